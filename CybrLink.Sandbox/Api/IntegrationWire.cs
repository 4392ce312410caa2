using System.Text.Json.Serialization;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary><c>ApiPublicIntegration</c>. No auth_mode or scopes at top level, as in Nango.</summary>
internal sealed record ApiIntegration(
    [property: JsonPropertyName("unique_key")] string UniqueKey,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("logo")] string Logo,
    [property: JsonPropertyName("forward_webhooks")] bool ForwardWebhooks,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("webhook_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookUrl = null,
    [property: JsonPropertyName("credentials"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ApiIntegrationCredentials? Credentials = null)
{
    /// <summary>The sandbox's single environment has a fixed id (used in incoming-webhook URLs).</summary>
    public const string EnvironmentUuid = "00000000-0000-4000-8000-00000000de40";

    public static ApiIntegration From(Integration i, Provider? provider, HttpRequest request, bool webhook = false, bool credentials = false) => new(
        i.UniqueKey, i.Provider, i.DisplayName ?? provider?.DisplayName ?? i.Provider, SandboxUrls.Logo(request, i.Provider),
        i.ForwardWebhooks, Iso.Format(i.CreatedAt), Iso.Format(i.UpdatedAt),
        webhook ? $"{SandboxUrls.Base(request)}/webhook/{EnvironmentUuid}/{i.UniqueKey}" : null,
        credentials && i.Credentials is { } c ? new ApiIntegrationCredentials(c.Type, c.ClientId, c.ClientSecret, c.Scopes, c.WebhookSecret) : null);
}

internal sealed record ApiIntegrationCredentials(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_secret")] string ClientSecret,
    [property: JsonPropertyName("scopes")] string? Scopes,
    [property: JsonPropertyName("webhook_secret")] string? WebhookSecret);
