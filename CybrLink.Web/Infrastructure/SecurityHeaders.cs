using CybrLink.Core.Nango;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Headers every CybrLink page and API answer carries. Pages that need another policy set their own first.</summary>
public static class SecurityHeaders
{
    // Scalar's API reference page bootstraps itself with an inline script.
    private const string DocsPolicy =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; " +
        "img-src 'self' data: https:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
        "script-src 'self' 'unsafe-inline'; connect-src 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var nangoOrigin = app.ApplicationServices.GetRequiredService<IOptions<NangoOptions>>().Value.BrowserOrigin;
        // Integration logos come from Nango (possibly plain http on a private network), so its origin is allowed.
        var defaultPolicy =
            "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
            $"img-src 'self' data: https: {nangoOrigin}; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
            "script-src 'self'; connect-src 'self' ws: wss:";

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
                    headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs") ? DocsPolicy : defaultPolicy;
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            return next();
        });
    }
}
