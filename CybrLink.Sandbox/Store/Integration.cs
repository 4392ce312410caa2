using System.Text.Json.Nodes;

namespace CybrLink.Sandbox.Store;

/// <summary>A provider config (Nango "integration"), keyed by <c>unique_key</c>. Immutable; updates replace it.</summary>
internal sealed record Integration
{
    public required string UniqueKey { get; init; }
    public required string Provider { get; init; }
    public string? DisplayName { get; init; }
    public bool ForwardWebhooks { get; init; } = true;
    public OAuthAppCredentials? Credentials { get; init; }
    public JsonObject? IntegrationConfig { get; init; }
    public JsonObject? Custom { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The OAuth app registered at the provider: what the mock provider checks on every token call.</summary>
internal sealed record OAuthAppCredentials(string Type, string ClientId, string ClientSecret, string? Scopes, string? WebhookSecret);
