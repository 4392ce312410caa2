namespace CybrLink.Web.Connect;

/// <summary>The cookie that carries the connect session token once it has left the URL.</summary>
public static class ConnectCookie
{
    public const string Name = "cybrlink.connect";
    public const string Path = "/connect";

    public static string? Read(HttpContext http) =>
        http.Request.Cookies.TryGetValue(Name, out var token) && !string.IsNullOrEmpty(token) ? token : null;

    /// <param name="framed">The operator lets other sites frame the Connect UI (<c>Connect:FrameAncestors</c>).</param>
    public static void Write(HttpContext http, string token, bool framed)
    {
        // Note: HttpOnly so page scripts never read the token; SameSite=Lax so another site cannot post with it;
        // path-scoped so no other CybrLink page receives it. It lives no longer than a session can (60 minutes).
        var options = new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = Path,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(60),
            IsEssential = true,
        };
        if (framed && http.Request.IsHttps)
        {
            // Note: inside another site's iframe a Lax cookie is never sent back. A partitioned (CHIPS) cookie is,
            // but only to this page framed by that same site; the antiforgery token still guards every write.
            options.SameSite = SameSiteMode.None;
            options.Extensions.Add("Partitioned");
        }

        http.Response.Cookies.Append(Name, token, options);
    }
}
