using System.Text.Json.Serialization;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary><c>ApiProvider</c>: the provider's catalog entry plus <c>name</c> and <c>logo_url</c>.</summary>
internal sealed record ApiProvider(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("auth_mode")] string AuthMode,
    [property: JsonPropertyName("categories")] IReadOnlyList<string> Categories,
    [property: JsonPropertyName("docs")] string Docs,
    [property: JsonPropertyName("logo_url")] string LogoUrl,
    [property: JsonPropertyName("authorization_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AuthorizationUrl,
    [property: JsonPropertyName("token_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenUrl,
    [property: JsonPropertyName("default_scopes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? DefaultScopes,
    [property: JsonPropertyName("scope_separator"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScopeSeparator,
    [property: JsonPropertyName("proxy")] ApiProviderProxy Proxy,
    [property: JsonPropertyName("connection_config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, ApiField>? ConnectionConfig,
    [property: JsonPropertyName("credentials"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, ApiField>? Credentials)
{
    public static ApiProvider From(Provider p, HttpRequest request) => new(
        p.Name, p.DisplayName, p.AuthMode, p.Categories,
        $"{SandboxUrls.Base(request)}/_provider/{p.Name}/docs",
        SandboxUrls.Logo(request, p.Name),
        p.IsOAuth2 ? SandboxUrls.ProviderAuthorize(request, p.Name) : null,
        p.IsOAuth2 ? SandboxUrls.ProviderToken(request, p.Name) : null,
        p.IsOAuth2 ? p.DefaultScopes : null,
        p.IsOAuth2 ? " " : null,
        new ApiProviderProxy(SandboxUrls.Upstream(request, p.Name),
            p.ApiKey is { } key ? new Dictionary<string, string> { [key.Header.ToLowerInvariant()] = key.ValueTemplate } : null),
        p.ConnectionConfig.Count > 0 ? p.ConnectionConfig.ToDictionary(f => f.Key, ApiField.From) : null,
        p.ApiKey is { } apiKey
            ? new Dictionary<string, ApiField>
            {
                ["apiKey"] = new("string", apiKey.Label, $"Your {p.DisplayName} API key", null, null, null, 1, false, true),
            }
            : null);
}

internal sealed record ApiProviderProxy(
    [property: JsonPropertyName("base_url")] string BaseUrl,
    [property: JsonPropertyName("headers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Headers);

/// <summary>A form field schema Connect UI renders (<c>connection_config</c> / <c>credentials</c>).</summary>
internal sealed record ApiField(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("example"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Example,
    [property: JsonPropertyName("pattern"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pattern,
    [property: JsonPropertyName("optional"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Optional,
    [property: JsonPropertyName("order")] int Order,
    [property: JsonPropertyName("automated")] bool Automated,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Secret,
    [property: JsonPropertyName("prefix"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prefix = null,
    [property: JsonPropertyName("suffix"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Suffix = null,
    [property: JsonPropertyName("enum"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Enum = null)
{
    public static ApiField From(ConfigField f) =>
        new("string", f.Title, f.Description, f.Example, f.Pattern, f.Optional, f.Order, false, f.Secret ? true : null,
            f.Prefix, f.Suffix, f.Enum);
}
