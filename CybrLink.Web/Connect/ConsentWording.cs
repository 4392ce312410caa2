using System.Globalization;
using CybrLink.Core.Catalog;
using CybrLink.Core.ConnectSessions;
using Microsoft.Extensions.Localization;

namespace CybrLink.Web.Connect;

/// <summary>
/// The consent section of the Connect page, in the current UI culture: its heading, the grant (the catalog's scopes
/// text, else a generic sentence) and the token boundary. The page renders it and the start call records it, from
/// this one place, so the consent record says exactly what the person read.
/// </summary>
public sealed record ConsentWording(string Heading, string Grant, string Boundary)
{
    public static ConsentWording Of(IStringLocalizer<ConnectText> text, CatalogEntry integration, BrandingOptions brand) => new(
        text["WillBeGranted", brand.Name],
        integration.RequestedScopes ?? text["GenericGrant", brand.Name, integration.DisplayName],
        text["TokenBoundary", brand.Name]);

    /// <summary>What the person was shown, rendered in <paramref name="culture"/> (the Connect page's language).</summary>
    public static ConsentShown Shown(
        IStringLocalizer<ConnectText> text, CatalogEntry integration, BrandingOptions brand, CultureInfo culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var wording = Of(text, integration, brand);
            return new ConsentShown(integration.DisplayName, wording.Grant,
                string.Join('\n', wording.Heading, wording.Grant, wording.Boundary), culture.Name);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
