namespace CybrLink.Core.Catalog;

/// <summary>
/// A catalog entry: an integration configured in Nango (key = Nango's <c>unique_key</c>), joined with its provider,
/// plus what CybrLink adds (enabled, description, category, requested scopes).
/// </summary>
public sealed class CatalogIntegration
{
    public const int MaxKeyLength = 255;

    public required string Key { get; set; }
    public required string Provider { get; set; }
    public required string DisplayName { get; set; }
    public string? LogoUrl { get; set; }
    public required string AuthMode { get; set; }

    /// <summary>The provider's connection-config and credential field schemas, as JSON (see <see cref="IntegrationFields"/>).</summary>
    public string FieldsJson { get; set; } = "{}";

    public bool Enabled { get; set; } = true;
    public string? Description { get; set; }
    public string? Category { get; set; }
    public string? RequestedScopes { get; set; }

    /// <summary>False once the integration is no longer in Nango; kept for history, never offered.</summary>
    public bool InNango { get; set; } = true;
    public DateTimeOffset SyncedAt { get; set; }
}
