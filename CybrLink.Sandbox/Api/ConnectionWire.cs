using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary>An item of <c>GET /connections</c>: never any credentials.</summary>
internal sealed record ApiConnectionListItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("errors")] IReadOnlyList<ApiConnectionError> Errors,
    [property: JsonPropertyName("end_user")] ApiEndUser? EndUser,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string> Tags,
    [property: JsonPropertyName("metadata")] JsonObject? Metadata,
    [property: JsonPropertyName("created")] string Created)
{
    public static ApiConnectionListItem From(Connection c) => new(
        c.Id, c.ConnectionId, c.ProviderConfigKey, c.Provider, ApiConnectionError.From(c), ApiEndUser.From(c.EndUser), c.Tags,
        c.Metadata, Iso.FormatOffset(c.CreatedAt));
}

internal sealed record ApiConnectionError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("log_id")] string LogId)
{
    public static IReadOnlyList<ApiConnectionError> From(Connection c) =>
        [.. c.ErrorTypes.Select(t => new ApiConnectionError(t, $"sandbox-{c.Id}-{t}"))];
}

/// <summary>The full connection with credentials: only the import answer carries it (the caller sent them).</summary>
internal sealed record ApiConnectionFull(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("errors")] IReadOnlyList<ApiConnectionError> Errors,
    [property: JsonPropertyName("end_user")] ApiEndUser? EndUser,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string> Tags,
    [property: JsonPropertyName("metadata")] JsonObject? Metadata,
    [property: JsonPropertyName("connection_config")] JsonObject ConnectionConfig,
    [property: JsonPropertyName("webhook_url_override")] string? WebhookUrlOverride,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("last_fetched_at")] string? LastFetchedAt,
    [property: JsonPropertyName("credentials")] JsonObject Credentials)
{
    public static ApiConnectionFull From(Connection c) => new(
        c.Id, c.ConnectionId, c.ProviderConfigKey, c.Provider, ApiConnectionError.From(c), ApiEndUser.From(c.EndUser), c.Tags,
        c.Metadata, c.ConnectionConfig, c.WebhookUrlOverride, Iso.Format(c.CreatedAt), Iso.Format(c.UpdatedAt), null,
        c.Credentials switch
        {
            OAuth2Credentials o => new JsonObject
            {
                ["type"] = o.Type,
                ["access_token"] = o.AccessToken,
                ["refresh_token"] = o.RefreshToken,
                ["expires_at"] = o.ExpiresAt is { } e ? Iso.Format(e) : null,
                ["raw"] = o.Raw.DeepClone(),
            },
            ApiKeyCredentials k => new JsonObject { ["type"] = k.Type, ["apiKey"] = k.ApiKey },
            BasicCredentials b => new JsonObject { ["type"] = b.Type, ["username"] = b.Username, ["password"] = b.Password },
            _ => new JsonObject(),
        });
}
