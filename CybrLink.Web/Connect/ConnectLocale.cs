using System.Globalization;
using CybrLink.Core.ConnectSessions;
using Microsoft.Net.Http.Headers;

namespace CybrLink.Web.Connect;

/// <summary>The language of a Connect page: the session's locale, else the browser's Accept-Language, else English.</summary>
public static class ConnectLocale
{
    public static IReadOnlyList<string> Supported => ConnectSessionLimits.Locales;

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

    private static CultureInfo? Match(string? tag) =>
        ConnectSessionLimits.LanguageOf(tag) is { } language ? CultureInfo.GetCultureInfo(language) : null;
}
