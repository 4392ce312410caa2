using System.Text.Json;
using CybrLink.Core.Nango;

namespace CybrLink.Core.Catalog;

/// <summary>A form field of an integration: a connection-config value (e.g. a subdomain) or a credential label.</summary>
public sealed record IntegrationField(
    string Name, string Title, string? Description, string? Example, string? Pattern, bool Optional, int Order);

/// <summary>The fields the Connect UI renders for an integration, as Nango's provider describes them.</summary>
public sealed record IntegrationFields(
    IReadOnlyList<IntegrationField> ConnectionConfig,
    IReadOnlyList<IntegrationField> Credentials)
{
    public static readonly IntegrationFields None = new([], []);

    public static IntegrationFields FromProvider(NangoProvider provider) => new(
        ToFields(provider.ConnectionConfig),
        ToFields(provider.Credentials));

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static IntegrationFields FromJson(string json) =>
        JsonSerializer.Deserialize<IntegrationFields>(json, JsonSerializerOptions.Web) ?? None;

    private static IReadOnlyList<IntegrationField> ToFields(IReadOnlyDictionary<string, NangoField>? fields) =>
        fields is null
            ? []
            : [.. fields
                // Hidden and automated fields are filled by Nango itself, never by the person connecting.
                .Where(f => f.Value.Hidden != true && f.Value.Automated != true)
                .Select(f => new IntegrationField(
                    f.Key, f.Value.Title ?? f.Key, f.Value.Description, f.Value.Example, f.Value.Pattern,
                    f.Value.Optional == true, f.Value.Order ?? int.MaxValue))
                .OrderBy(f => f.Order).ThenBy(f => f.Name, StringComparer.Ordinal)];
}
