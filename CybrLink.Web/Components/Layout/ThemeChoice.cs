namespace CybrLink.Web.Components.Layout;

/// <summary>
/// The operator's light/dark choice. The browser keeps it in localStorage and in a cookie (js/app.js); the cookie lets
/// the server prerender the chosen mode, so a dark console does not flash light while the circuit starts.
/// </summary>
public static class ThemeChoice
{
    public const string CookieName = "cybrlink.theme";
    public const string CascadingName = "ThemeChoice";
    public const string Dark = "dark";
    public const string Light = "light";

    /// <summary>The choice the request carries, or null (follow the system).</summary>
    public static string? Of(HttpContext http) => http.Request.Cookies[CookieName] switch
    {
        Dark => Dark,
        Light => Light,
        _ => null,
    };
}
