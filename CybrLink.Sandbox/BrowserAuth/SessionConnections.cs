using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;

namespace CybrLink.Sandbox.BrowserAuth;

/// <summary>What every browser auth flow shares: query rules, connection config resolution, saving the connection.</summary>
internal sealed partial class SessionConnections(SandboxStore store, TimeProvider time, WebhookSender webhooks)
{
    /// <summary>The query parameters Nango's auth endpoints accept.</summary>
    public static IResult? ValidateQuery(HttpRequest request)
    {
        string[] scalars = ["connect_session_token", "public_key", "hmac", "connection_id", "ws_client_id", "user_scope"];
        if (Strict.OnlyQuery(request, k => scalars.Contains(k) || BracketParamRegex().IsMatch(k)) is { } invalid)
            return invalid;
        // Note: with a session token Nango always generates the id (or reuses the reconnect session's).
        if (request.Query.ContainsKey("connection_id"))
            return NangoResults.Error(400, "invalid_query_params", "connection_id is forbidden when using session token");
        return null;
    }

    /// <summary>Session rules before any flow: the integration must be allowed and exist.</summary>
    public (Integration? Integration, Provider? Provider, IResult? Error) Resolve(ConnectSession session, string key)
    {
        if (!session.Allows(key))
            return (null, null, NangoResults.Error(400, "integration_not_allowed"));
        var integration = store.FindIntegration(key);
        if (integration is null)
            return (null, null, NangoResults.Error(404, "unknown_provider_config", $"Provider config {key} does not exist"));
        return (integration, store.FindProvider(integration.Provider)!, null);
    }

    /// <summary><c>params[field]</c> from the browser, then the session's <c>integrations_config_defaults</c> on top (they win).</summary>
    public static JsonObject ConnectionConfig(HttpRequest request, ConnectSession session, string key)
    {
        var config = new JsonObject();
        foreach (var (name, value) in request.Query)
        {
            var match = BracketParamRegex().Match(name);
            if (match.Success && match.Groups[1].Value == "params")
                config[match.Groups[2].Value] = value.ToString();
        }
        if (session.IntegrationsConfigDefaults?.GetValueOrDefault(key)?.ConnectionConfig is { } defaults)
            foreach (var (name, value) in defaults)
                config[name] = value?.DeepClone();
        return config;
    }

    public static IReadOnlyList<string> MissingFields(Provider provider, JsonObject config) =>
        [.. provider.ConnectionConfig
            .Where(f => !f.Optional && string.IsNullOrEmpty(config[f.Key]?.ToString()))
            .Select(f => f.Key)];

    /// <summary>
    /// Saves the connection a session produced: a fresh UUIDv4 id, or the reconnect session's connection,
    /// overwritten in place (webhook <c>override</c>).
    /// </summary>
    public Connection Save(ConnectSession session, Integration integration, Provider provider, JsonObject config, ConnectionCredentials credentials)
    {
        var now = time.GetUtcNow();
        var id = session.ReconnectConnectionId ?? Guid.NewGuid().ToString();
        var (connection, overridden) = store.Upsert(integration.UniqueKey, id, (rowId, existing) => new Connection
        {
            Id = rowId, ConnectionId = id, ProviderConfigKey = integration.UniqueKey, Provider = provider.Name,
            EndUser = session.EndUser, Tags = session.Tags, Metadata = existing?.Metadata ?? [],
            ConnectionConfig = config, WebhookUrlOverride = session.WebhookUrlOverride ?? existing?.WebhookUrlOverride,
            Credentials = credentials, CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now,
        });
        webhooks.Send(connection, overridden ? WebhookOperations.Override : WebhookOperations.Creation, provider.AuthMode,
            fromConnectSession: true);
        return connection;
    }

    /// <summary>The failed-creation webhook (e.g. consent denied) for a connection that was never created.</summary>
    public void SendFailure(ConnectSession session, Integration integration, Provider provider, string connectionId, WebhookError error)
    {
        var transient = new Connection
        {
            Id = 0, ConnectionId = connectionId, ProviderConfigKey = integration.UniqueKey, Provider = provider.Name,
            EndUser = session.EndUser, Tags = session.Tags, WebhookUrlOverride = session.WebhookUrlOverride,
            Credentials = new ApiKeyCredentials(""), CreatedAt = time.GetUtcNow(),
        };
        webhooks.Send(transient, session.ReconnectConnectionId is null ? WebhookOperations.Creation : WebhookOperations.Override,
            provider.AuthMode, error, fromConnectSession: true);
    }

    [GeneratedRegex(@"^(params|authorization_params|credentials)\[([^\[\]]+)\]$")]
    private static partial Regex BracketParamRegex();
}
