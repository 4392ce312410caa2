using System.Text.Json;
using CybrLink.Core.Nango;

namespace CybrLink.Core.Catalog;

/// <summary>
/// A form field of an integration: a connection-config value (e.g. a subdomain) or a credential label.
/// <see cref="Prefix"/> and <see cref="Suffix"/> are shown around the input (e.g. <c>https://</c>, <c>/api</c>) and
/// are not part of the value; <see cref="Enum"/>, when set, is the only values the field accepts.
/// </summary>
/// <remarks>The last three are optional so catalog JSON cached before they existed still reads.</remarks>
public sealed record IntegrationField(
    string Name, string Title, string? Description, string? Example, string? Pattern, bool Optional, int Order,
    string? Prefix = null, string? Suffix = null, IReadOnlyList<string>? Enum = null);

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
                    f.Value.Optional == true, f.Value.Order ?? int.MaxValue,
                    NullIfEmpty(f.Value.Prefix), NullIfEmpty(f.Value.Suffix),
                    f.Value.Enum is { Count: > 0 } choices ? [.. choices] : null))
                .OrderBy(f => f.Order).ThenBy(f => f.Name, StringComparer.Ordinal)];

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
