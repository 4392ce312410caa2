using CybrLink.Core.Catalog;
using CybrLink.Core.EndUsers;

namespace CybrLink.Core.ConnectSessions;

public sealed record EndUserInput(string Id, string? Email = null, string? DisplayName = null);

public sealed record OrganizationInput(string Id, string? DisplayName = null);

/// <summary>
/// The operator's request for a connect session, as the API received it; <see cref="ConnectSessionCommandValidator"/>
/// checks every field once, here in Core.
/// </summary>
public sealed record CreateConnectSessionCommand(
    EndUserInput? EndUser,
    string? Integration,
    OrganizationInput? Organization = null,
    string? ReturnUrl = null,
    int? ExpiresInMinutes = null,
    IReadOnlyDictionary<string, string>? ConnectionConfig = null,
    string? Locale = null);

/// <summary>A session that re-authorises an existing connection.</summary>
public sealed record ReconnectCommand(string? ReturnUrl = null, int? ExpiresInMinutes = null, string? Locale = null);

/// <summary>What a valid command leaves once checked and normalised.</summary>
public sealed record ValidSessionFields(
    EndUserInput EndUser, OrganizationInput? Organization, string? ReturnUrl, TimeSpan Lifetime, string? Locale);

/// <summary>A checked request: the offered integration, the fields, and the connection settings to lock.</summary>
public sealed record ValidSession(CatalogEntry Integration, ValidSessionFields Fields, IReadOnlyDictionary<string, string> Config);

public static class ConnectSessionLimits
{
    public const int DefaultExpiryMinutes = 30;
    public const int MinExpiryMinutes = 5;
    public const int MaxExpiryMinutes = 60;
    public const int MaxEmailLength = 320;
    public const int MaxNameLength = 255;
    public const int MaxConfigValueLength = 1024;

    /// <summary>The languages the Connect UI is written in; a session's <c>locale</c> must pick one of them.</summary>
    public static readonly IReadOnlyList<string> Locales = ["en", "de", "fr", "es", "ja"];

    /// <summary>The language part of a locale tag ("de-CH" → "de"), or null when the Connect UI does not speak it.</summary>
    public static string? LanguageOf(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var language = tag.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Locales.Contains(language) ? language : null;
    }

    public static int MaxEndUserIdLength => EndUser.MaxIdLength;
}
