using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

/// <summary>
/// The headers of every Connect response. They are set before <c>SecurityHeaders</c> runs, which keeps a policy
/// that is already there.
/// </summary>
public sealed class ConnectHeaders(IOptions<NangoOptions> nango, IOptions<ConnectOptions> connect, IOptions<BrandingOptions> branding)
{
    private string? _policy;

    /// <summary>
    /// Note: the browser may reach exactly one other origin, Nango (http and its WebSocket), so an injected script
    /// could not send anything anywhere else. No <c>ws:</c> or <c>https:</c> wildcards.
    /// </summary>
    public string ContentSecurityPolicy => _policy ??= BuildPolicy();

    public bool Frameable => connect.Value.FrameAncestors.Count > 0;

    public void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Note: the token was in the first URL; no Referer may carry any URL of this flow to Nango or the provider.
        headers["Referrer-Policy"] = "no-referrer";
        // Note: the OAuth popup must keep its opener (Nango posts the result to it and the page watches it close),
        // and the operator's app may have opened this page as a popup; same-origin would sever both.
        headers["Cross-Origin-Opener-Policy"] = "unsafe-none";
        headers.CacheControl = "no-store";
        if (Frameable)
        {
            // Antiforgery adds SAMEORIGIN by itself; frame-ancestors is the rule here, and XFO would override it.
            headers.Remove("X-Frame-Options");
        }
        else
        {
            headers.XFrameOptions = "DENY";
        }
    }

    private string BuildPolicy()
    {
        var options = nango.Value;
        var nangoOrigin = options.BrowserOrigin;
        var wsOrigin = new Uri(options.BrowserWebSocketUrl).GetLeftPart(UriPartial.Authority);
        var images = string.Join(' ', new[] { "'self'", "data:", nangoOrigin, branding.Value.LogoOrigin }
            .Where(s => s is not null).Distinct(StringComparer.OrdinalIgnoreCase));
        var ancestors = Frameable ? string.Join(' ', connect.Value.FrameAncestors) : "'none'";
        return $"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {images}; " +
            $"connect-src 'self' {nangoOrigin} {wsOrigin}; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}";
    }

    /// <summary>An origin as CSP's frame-ancestors takes it (scheme, host, optional port), or <c>'self'</c>.</summary>
    public static bool IsFrameAncestor(string value) =>
        value == "'self'"
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && value.TrimEnd('/').Equals(uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));
}
