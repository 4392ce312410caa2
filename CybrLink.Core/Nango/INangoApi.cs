using Refit;

namespace CybrLink.Core.Nango;

/// <summary>
/// The part of Nango's public API that CybrLink uses (NANGO.md). Failures surface as <see cref="NangoApiException"/>
/// (Nango answered with an error) or <see cref="NangoUnavailableException"/> (Nango could not be reached).
/// </summary>
/// <remarks>
/// Warning: <c>GET /connections/{id}</c> is deliberately absent. With a full-scope key it returns the provider's
/// credentials, and CybrLink must never receive one; read a connection through <see cref="ListConnectionsAsync"/>.
/// Integrations are likewise never read with <c>include=credentials</c>.
/// </remarks>
public interface INangoApi
{
    [Get("/health")]
    Task<NangoHealth> GetHealthAsync(CancellationToken ct = default);

    [Get("/providers")]
    Task<NangoData<IReadOnlyList<NangoProvider>>> ListProvidersAsync(string? search = null, CancellationToken ct = default);

    [Get("/providers/{name}")]
    Task<NangoData<NangoProvider>> GetProviderAsync(string name, CancellationToken ct = default);

    [Get("/integrations")]
    Task<NangoData<IReadOnlyList<NangoIntegration>>> ListIntegrationsAsync(CancellationToken ct = default);

    [Get("/integrations/{uniqueKey}")]
    Task<NangoData<NangoIntegration>> GetIntegrationAsync(string uniqueKey, CancellationToken ct = default);

    [Post("/integrations")]
    Task<NangoData<NangoIntegration>> CreateIntegrationAsync([Body] NangoCreateIntegrationRequest request, CancellationToken ct = default);

    [Patch("/integrations/{uniqueKey}")]
    Task<NangoData<NangoIntegration>> UpdateIntegrationAsync(string uniqueKey, [Body] NangoUpdateIntegrationRequest request, CancellationToken ct = default);

    [Delete("/integrations/{uniqueKey}")]
    Task<NangoSuccess> DeleteIntegrationAsync(string uniqueKey, CancellationToken ct = default);

    [Post("/connect/sessions")]
    Task<NangoData<NangoConnectSession>> CreateConnectSessionAsync([Body] NangoCreateConnectSessionRequest request, CancellationToken ct = default);

    [Post("/connect/sessions/reconnect")]
    Task<NangoData<NangoConnectSession>> CreateReconnectSessionAsync([Body] NangoReconnectSessionRequest request, CancellationToken ct = default);

    /// <summary>Revokes a connect session early. Authenticated by the session token itself, not the secret key.</summary>
    [Delete("/connect/session")]
    Task DeleteConnectSessionAsync([Authorize("Bearer")] string connectSessionToken, CancellationToken ct = default);

    /// <summary>Use the <see cref="NangoApiExtensions.ListConnectionsAsync"/> overload that takes a filter.</summary>
    [Get("/connections")]
    Task<NangoConnectionList> ListConnectionsAsync([Query] IDictionary<string, string> query, CancellationToken ct = default);

    [Delete("/connections/{connectionId}")]
    Task<NangoSuccess> DeleteConnectionAsync(
        string connectionId, [AliasAs("provider_config_key")] string providerConfigKey, CancellationToken ct = default);
}

public static class NangoApiExtensions
{
    public static Task<NangoConnectionList> ListConnectionsAsync(
        this INangoApi nango, NangoConnectionFilter filter, CancellationToken ct = default) =>
        nango.ListConnectionsAsync(filter.ToQuery(), ct);
}
