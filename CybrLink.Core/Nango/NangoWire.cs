using System.Text.Json;
using System.Text.Json.Serialization;

namespace CybrLink.Core.Nango;

// Nango's wire shapes (NANGO.md). Only the fields CybrLink reads or sends; property names are Nango's own.

public sealed record NangoData<T>([property: JsonPropertyName("data")] T Data);

public sealed record NangoSuccess([property: JsonPropertyName("success")] bool Success);

public sealed record NangoHealth([property: JsonPropertyName("result")] string Result);

public sealed record NangoProvider
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("display_name")] public required string DisplayName { get; init; }
    [JsonPropertyName("auth_mode")] public required string AuthMode { get; init; }
    [JsonPropertyName("logo_url")] public string? LogoUrl { get; init; }
    [JsonPropertyName("categories")] public IReadOnlyList<string>? Categories { get; init; }
    [JsonPropertyName("docs")] public string? Docs { get; init; }
    [JsonPropertyName("default_scopes")] public IReadOnlyList<string>? DefaultScopes { get; init; }
    [JsonPropertyName("connection_config")] public IReadOnlyDictionary<string, NangoField>? ConnectionConfig { get; init; }
    [JsonPropertyName("credentials")] public IReadOnlyDictionary<string, NangoField>? Credentials { get; init; }
}

/// <summary>A form field Nango describes for a provider (connection config or credential).</summary>
public sealed record NangoField
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("example")] public string? Example { get; init; }
    [JsonPropertyName("pattern")] public string? Pattern { get; init; }
    [JsonPropertyName("optional")] public bool? Optional { get; init; }
    [JsonPropertyName("order")] public int? Order { get; init; }
    [JsonPropertyName("default_value")] public string? DefaultValue { get; init; }
    [JsonPropertyName("hidden")] public bool? Hidden { get; init; }
    [JsonPropertyName("prefix")] public string? Prefix { get; init; }
    [JsonPropertyName("suffix")] public string? Suffix { get; init; }
    [JsonPropertyName("enum")] public IReadOnlyList<string>? Enum { get; init; }
    [JsonPropertyName("automated")] public bool? Automated { get; init; }
}

public sealed record NangoIntegration
{
    [JsonPropertyName("unique_key")] public required string UniqueKey { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("logo")] public string? Logo { get; init; }
    [JsonPropertyName("forward_webhooks")] public bool? ForwardWebhooks { get; init; }
    [JsonPropertyName("webhook_url")] public string? WebhookUrl { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>The OAuth app of an integration (client id/secret of the operator's app, not a user credential).</summary>
public sealed record NangoIntegrationCredentials
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
    [JsonPropertyName("client_secret")] public string? ClientSecret { get; init; }
    [JsonPropertyName("scopes")] public string? Scopes { get; init; }
}

public sealed record NangoCreateIntegrationRequest
{
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("unique_key")] public required string UniqueKey { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("forward_webhooks")] public bool? ForwardWebhooks { get; init; }
    [JsonPropertyName("credentials")] public NangoIntegrationCredentials? Credentials { get; init; }
    [JsonPropertyName("integration_config")] public IReadOnlyDictionary<string, string>? IntegrationConfig { get; init; }
}

public sealed record NangoUpdateIntegrationRequest
{
    [JsonPropertyName("unique_key")] public string? UniqueKey { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("forward_webhooks")] public bool? ForwardWebhooks { get; init; }
    [JsonPropertyName("credentials")] public NangoIntegrationCredentials? Credentials { get; init; }
    [JsonPropertyName("integration_config")] public IReadOnlyDictionary<string, string>? IntegrationConfig { get; init; }
}

public sealed record NangoEndUser
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

public sealed record NangoOrganization
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
}

public sealed record NangoIntegrationDefaults
{
    [JsonPropertyName("user_scopes")] public string? UserScopes { get; init; }
    [JsonPropertyName("authorization_params")] public IReadOnlyDictionary<string, string>? AuthorizationParams { get; init; }
    [JsonPropertyName("connection_config")] public IReadOnlyDictionary<string, JsonElement>? ConnectionConfig { get; init; }
}

public sealed record NangoCreateConnectSessionRequest
{
    [JsonPropertyName("end_user")] public NangoEndUser? EndUser { get; init; }
    [JsonPropertyName("organization")] public NangoOrganization? Organization { get; init; }
    [JsonPropertyName("allowed_integrations")] public IReadOnlyList<string>? AllowedIntegrations { get; init; }
    [JsonPropertyName("integrations_config_defaults")] public IReadOnlyDictionary<string, NangoIntegrationDefaults>? IntegrationsConfigDefaults { get; init; }
    [JsonPropertyName("webhook_url_override")] public string? WebhookUrlOverride { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

public sealed record NangoReconnectSessionRequest
{
    [JsonPropertyName("connection_id")] public required string ConnectionId { get; init; }
    [JsonPropertyName("integration_id")] public required string IntegrationId { get; init; }
    [JsonPropertyName("end_user")] public NangoEndUser? EndUser { get; init; }
    [JsonPropertyName("organization")] public NangoOrganization? Organization { get; init; }
    [JsonPropertyName("integrations_config_defaults")] public IReadOnlyDictionary<string, NangoIntegrationDefaults>? IntegrationsConfigDefaults { get; init; }
    [JsonPropertyName("webhook_url_override")] public string? WebhookUrlOverride { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

public sealed record NangoConnectSession
{
    [JsonPropertyName("token")] public required string Token { get; init; }
    [JsonPropertyName("connect_link")] public string? ConnectLink { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset ExpiresAt { get; init; }
}

public sealed record NangoConnectionError
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("log_id")] public string? LogId { get; init; }
}

public sealed record NangoConnectionEndUser
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("organization")] public NangoOrganization? Organization { get; init; }
}

/// <summary>A connection as the list endpoint returns it: no credentials, by design of that endpoint.</summary>
public sealed record NangoConnection
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("connection_id")] public required string ConnectionId { get; init; }
    [JsonPropertyName("provider_config_key")] public required string ProviderConfigKey { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("errors")] public IReadOnlyList<NangoConnectionError> Errors { get; init; } = [];
    [JsonPropertyName("end_user")] public NangoConnectionEndUser? EndUser { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
}

public sealed record NangoConnectionList([property: JsonPropertyName("connections")] IReadOnlyList<NangoConnection> Connections);

/// <summary>Filters of <c>GET /connections</c>; all optional, combined with AND.</summary>
public sealed record NangoConnectionFilter
{
    public string? ConnectionId { get; init; }
    public string? Search { get; init; }
    public string? EndUserId { get; init; }
    public string? EndUserOrganizationId { get; init; }
    public IReadOnlyList<string>? IntegrationIds { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public int? Limit { get; init; }
    public int? Page { get; init; }

    /// <summary>The query string Nango expects: camelCase names and <c>tags[key]=value</c>.</summary>
    public Dictionary<string, string> ToQuery()
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        Add("connectionId", ConnectionId);
        Add("search", Search);
        Add("endUserId", EndUserId);
        Add("endUserOrganizationId", EndUserOrganizationId);
        Add("integrationId", IntegrationIds is { Count: > 0 } ids ? string.Join(',', ids) : null);
        Add("limit", Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("page", Page?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in Tags ?? new Dictionary<string, string>())
        {
            query[$"tags[{key}]"] = value;
        }

        return query;

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query[name] = value;
            }
        }
    }
}

/// <summary>Nango's error envelope: <c>{"error":{"code","message","errors","payload"}}</c>.</summary>
public sealed record NangoErrorEnvelope([property: JsonPropertyName("error")] NangoErrorBody? Error);

public sealed record NangoErrorBody
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("errors")] public IReadOnlyList<NangoValidationIssue>? Errors { get; init; }
}

public sealed record NangoValidationIssue
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("path")] public IReadOnlyList<JsonElement>? Path { get; init; }
}
