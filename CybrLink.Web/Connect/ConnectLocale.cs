using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace CybrLink.Web.Connect;

/// <summary>The language of a Connect page: the session's locale, else the browser's Accept-Language, else English.</summary>
public static class ConnectLocale
{
    public static readonly IReadOnlyList<string> Supported = ["en", "de", "fr", "es", "ja"];

    public static CultureInfo Choose(string? sessionLocale, string? acceptLanguage)
    {
        if (Match(sessionLocale) is { } fromSession)
        {
            return fromSession;
        }

        if (StringWithQualityHeaderValue.TryParseList(acceptLanguage?.Split(','), out var ranges))
        {
            foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
            {
                if (Match(range.Value.Value) is { } fromBrowser)
                {
                    return fromBrowser;
                }
            }
        }

        return CultureInfo.GetCultureInfo("en");
    }

    private static CultureInfo? Match(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        // "de-CH", "ja_JP" and "FR" all pick the neutral language this page is translated into.
        var language = tag.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Supported.Contains(language) ? CultureInfo.GetCultureInfo(language) : null;
    }
}
