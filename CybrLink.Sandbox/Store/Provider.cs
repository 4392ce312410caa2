namespace CybrLink.Sandbox.Store;

/// <summary>A catalog entry, the sandbox's slice of Nango's <c>providers.yaml</c>.</summary>
internal sealed record Provider(
    string Name,
    string DisplayName,
    string AuthMode,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> DefaultScopes,
    IReadOnlyList<ConfigField> ConnectionConfig,
    ApiKeyPlacement? ApiKey = null,
    IReadOnlyList<ConfigField>? IntegrationConfig = null)
{
    /// <summary>Whether an integration of this provider may carry <c>integration_config</c> (none of the seeds does).</summary>
    public bool TakesIntegrationConfig => IntegrationConfig is { Count: > 0 };

    public bool IsOAuth2 => AuthMode == AuthModes.OAuth2;
}

internal static class AuthModes
{
    public const string OAuth2 = "OAUTH2";
    public const string ApiKey = "API_KEY";
    public const string Basic = "BASIC";
}

/// <summary>A <c>connection_config</c> / <c>credentials</c> field schema as Connect UI renders it.</summary>
internal sealed record ConfigField(
    string Key,
    string Title,
    string Description,
    string? Example = null,
    string? Pattern = null,
    bool Optional = false,
    int Order = 1,
    bool Secret = false,
    string? Prefix = null,
    string? Suffix = null,
    IReadOnlyList<string>? Enum = null);

/// <summary>Where an API key goes upstream: header name and value template (Nango's <c>proxy.headers</c>).</summary>
internal sealed record ApiKeyPlacement(string Header, string ValueTemplate, string Label);
