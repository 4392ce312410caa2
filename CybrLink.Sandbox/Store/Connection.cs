using System.Text.Json.Nodes;

namespace CybrLink.Sandbox.Store;

/// <summary>An immutable snapshot of a connection; the store swaps whole records, so readers never see half an update.</summary>
internal sealed record Connection
{
    public required long Id { get; init; }
    public required string ConnectionId { get; init; }
    public required string ProviderConfigKey { get; init; }
    public required string Provider { get; init; }
    public EndUser? EndUser { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public JsonObject? Metadata { get; init; }
    public JsonObject ConnectionConfig { get; init; } = [];
    public string? WebhookUrlOverride { get; init; }
    public required ConnectionCredentials Credentials { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public bool Deleted { get; init; }

    /// <summary>When the last refresh failed; Nango answers 424 <c>connection_refresh_backoff</c> for 30 s after it.</summary>
    public DateTimeOffset? LastRefreshFailureAt { get; init; }

    /// <summary>Active error notifications (<c>{"type":"auth"}</c> while refresh is failing).</summary>
    public IReadOnlyList<string> ErrorTypes { get; init; } = [];
}

internal abstract record ConnectionCredentials(string Type);

internal sealed record OAuth2Credentials(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, JsonObject Raw)
    : ConnectionCredentials(AuthModes.OAuth2);

internal sealed record ApiKeyCredentials(string ApiKey) : ConnectionCredentials(AuthModes.ApiKey);

internal sealed record BasicCredentials(string Username, string Password) : ConnectionCredentials(AuthModes.Basic);
