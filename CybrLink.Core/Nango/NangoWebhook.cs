using System.Text.Json.Serialization;

namespace CybrLink.Core.Nango;

/// <summary>A webhook from Nango (NANGO.md §9.2). Only <c>type: "auth"</c> is acted on; other types are ignored.</summary>
public sealed record NangoWebhook
{
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("operation")] public string? Operation { get; init; }
    [JsonPropertyName("success")] public bool? Success { get; init; }
    [JsonPropertyName("connectionId")] public string? ConnectionId { get; init; }
    [JsonPropertyName("providerConfigKey")] public string? ProviderConfigKey { get; init; }
    [JsonPropertyName("authMode")] public string? AuthMode { get; init; }
    [JsonPropertyName("provider")] public string? Provider { get; init; }
    [JsonPropertyName("environment")] public string? Environment { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
    [JsonPropertyName("endUser")] public NangoWebhookEndUser? EndUser { get; init; }
    [JsonPropertyName("error")] public NangoWebhookError? Error { get; init; }
}

public sealed record NangoWebhookEndUser
{
    [JsonPropertyName("endUserId")] public string? EndUserId { get; init; }
    [JsonPropertyName("endUserEmail")] public string? EndUserEmail { get; init; }
    [JsonPropertyName("organizationId")] public string? OrganizationId { get; init; }
}

public sealed record NangoWebhookError
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
}
