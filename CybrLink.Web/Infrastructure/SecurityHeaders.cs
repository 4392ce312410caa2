using System.Security.Cryptography;
using CybrLink.Core.Nango;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Headers every CybrLink page and API answer carries. Pages that need another policy set their own first.</summary>
public static class SecurityHeaders
{
    private static readonly object NonceKey = new();

    // Scalar's API reference page bootstraps itself with an inline script.
    private const string DocsPolicy =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; " +
        "img-src 'self' data: https:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
        "script-src 'self' 'unsafe-inline'; connect-src 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var nangoOrigin = app.ApplicationServices.GetRequiredService<IOptions<NangoOptions>>().Value.BrowserOrigin;
        // Note: connect-src 'self' also covers the Blazor circuit's WebSocket to this origin (ws/wss on the same host);
        // "ws: wss:" would let an injected script talk to any host. script-src allows no inline script except the
        // ones carrying this response's nonce (Blazor's import map).
        // Integration logos come from Nango (possibly plain http on a private network), so its origin is allowed.
        var defaultPolicy =
            "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
            $"img-src 'self' data: https: {nangoOrigin}; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
            "connect-src 'self'; script-src 'self'";

        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.TryAdd("Referrer-Policy", "no-referrer");
                headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
                headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs")
                        ? DocsPolicy
                        : context.Items.TryGetValue(NonceKey, out var nonce) ? $"{defaultPolicy} 'nonce-{nonce}'" : defaultPolicy;
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            return next();
        });
    }

    /// <summary>
    /// This response's CSP nonce for an inline script the page must carry (Blazor's import map), created on first use.
    /// </summary>
    /// <remarks>Note: 128 random bits per response, never reused: a nonce an attacker can predict is no protection.</remarks>
    public static string NonceOf(HttpContext context)
    {
        if (context.Items.TryGetValue(NonceKey, out var existing) && existing is string nonce)
        {
            return nonce;
        }

        // Hex: no character that HTML encoding would rewrite in the attribute.
        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }
}
