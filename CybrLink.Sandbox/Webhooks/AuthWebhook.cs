using System.Text.Json.Serialization;

namespace CybrLink.Sandbox.Webhooks;

/// <summary>Nango's <c>auth</c> webhook body (NANGO.md §9.2): camelCase, sent with keys sorted.</summary>
internal sealed record AuthWebhook(
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("connectionId")] string ConnectionId,
    [property: JsonPropertyName("providerConfigKey")] string ProviderConfigKey,
    [property: JsonPropertyName("authMode")] string AuthMode,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Tags,
    [property: JsonPropertyName("endUser"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WebhookEndUser? EndUser,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WebhookError? Error = null)
{
    [JsonPropertyName("from")] public string From => "nango";

    [JsonPropertyName("type")] public string Type => "auth";

    // Note: Nango sends the environment's name; the sandbox emulates the "dev" environment.
    [JsonPropertyName("environment")] public string Environment => "dev";
}

internal sealed record WebhookEndUser(
    [property: JsonPropertyName("endUserId")] string EndUserId,
    [property: JsonPropertyName("endUserEmail")] string? EndUserEmail,
    [property: JsonPropertyName("organizationId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrganizationId,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string> Tags);

internal sealed record WebhookError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("description")] string Description);

internal static class WebhookOperations
{
    public const string Creation = "creation";
    public const string Override = "override";
    public const string Refresh = "refresh";
}
