using System.Text.Json.Nodes;

namespace CybrLink.Sandbox.Store;

internal sealed record EndUser(string Id, string? Email, string? DisplayName, IReadOnlyDictionary<string, string>? Tags, Organization? Organization);

internal sealed record Organization(string Id, string? DisplayName);

/// <summary>Per-integration defaults of a session; its <c>connection_config</c> wins over the browser's <c>params[...]</c>.</summary>
internal sealed record IntegrationDefaults(JsonObject? ConnectionConfig, IReadOnlyDictionary<string, string>? AuthorizationParams, string? UserScopes);

internal sealed class ConnectSession
{
    public required string Token { get; init; }
    public EndUser? EndUser { get; init; }
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
    public IReadOnlyList<string>? AllowedIntegrations { get; init; }
    public IReadOnlyDictionary<string, IntegrationDefaults>? IntegrationsConfigDefaults { get; init; }
    public string? WebhookUrlOverride { get; init; }

    /// <summary>Set for reconnect sessions: auth flows overwrite this connection.</summary>
    public string? ReconnectConnectionId { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    // Note: Nango: an empty or absent list means every integration is allowed.
    public bool Allows(string integrationKey) =>
        AllowedIntegrations is null || AllowedIntegrations.Count == 0 || AllowedIntegrations.Contains(integrationKey);
}
