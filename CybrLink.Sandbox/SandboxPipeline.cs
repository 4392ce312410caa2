using CybrLink.Sandbox.Api;
using CybrLink.Sandbox.BrowserAuth;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.OAuth;
using CybrLink.Sandbox.Proxy;
using CybrLink.Sandbox.Seed;
using CybrLink.Sandbox.Upstream;
using CybrLink.Sandbox.WebSockets;
using Microsoft.Extensions.Logging;

namespace CybrLink.Sandbox;

/// <summary>The sandbox's own pipeline, the same whether mounted under a base path or standalone at a root.</summary>
internal static partial class SandboxPipeline
{
    // Nango's public CORS: any origin, these request headers, preflight cached 10 minutes.
    private const string CorsAllowedHeaders = "Authorization, Content-Type, Accept, Origin, X-Requested-With, Nango-Activity-Log-Id, "
        + "Nango-Is-Dry-Run, Nango-Is-Sync, Provider-Config-Key, Connection-Id, Sentry-Trace, Baggage";

    // Nango checks Content-Type on these route prefixes only (not /proxy).
    private static readonly string[] JsonOnlyPrefixes =
        ["/connect", "/connection", "/integrations", "/providers", "/action", "/environment", "/mcp", "/oauth", "/auth", "/api-auth"];

    // Sandbox-only surfaces: not Nango, so API faults, CORS and the 415 rule leave them alone.
    private static readonly string[] SandboxOnlyPrefixes = ["/_sandbox", "/_provider", "/_upstream"];

    public static void Configure(IApplicationBuilder app)
    {
        app.Use(HandleErrorsAsync);
        app.Use(ApplyCorsAsync);
        app.Use(ApplyApiFaultsAsync);
        app.Use(RequireJsonContentTypeAsync);
        app.UseWebSockets();
        app.UseRouting();
        app.UseEndpoints(MapEndpoints);
    }

    private static void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/", RootAsync);
        app.MapGet("/health", () => NangoResults.Json(new { result = "ok" }));
        app.MapGet("/images/template-logos/{file}", (string file, FaultState faults) =>
            !faults.LogosMissing && file.EndsWith(".svg", StringComparison.Ordinal) && Logos.Find(file[..^4]) is { } svg
                ? TypedResults.Text(svg, "image/svg+xml")
                : Results.NotFound());
        app.MapProviders();
        app.MapIntegrations();
        app.MapConnectSessions();
        app.MapConnections();
        app.MapProxy();
        app.MapOAuth();
        app.MapApiAuth();
        app.MapMockProvider();
        app.MapEchoUpstream();
        app.MapControl();
        app.MapFallback(() => NangoResults.Error(404, "not_found", "No such route in the Nango sandbox"));
    }

    /// <summary>The base path root is Nango's WebSocket endpoint (<c>websocketsPath: "/"</c>).</summary>
    private static async Task RootAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            await context.RequestServices.GetRequiredService<WebSocketHub>().AcceptAsync(context);
            return;
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("CybrLink Nango sandbox. See /health, /providers and the WebSocket at this path.");
    }

    /// <summary>Unhandled exceptions become Nango's 500 <c>generic_error_support</c> envelope.</summary>
    private static async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CybrLink.Sandbox");
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path);
            await WriteGenericErrorAsync(context);
        }
    }

    private static Task WriteGenericErrorAsync(HttpContext context)
    {
        var id = Guid.NewGuid().ToString();
        return NangoResults.WriteAsync(context, 500, "generic_error_support",
            $"An error occurred. Please contact support with this unique id: \"{id}\"", id);
    }

    private static Task ApplyCorsAsync(HttpContext context, RequestDelegate next)
    {
        if (IsSandboxOnly(context.Request.Path))
            return next(context);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            context.Response.Headers.AccessControlAllowMethods = "GET,HEAD,PUT,PATCH,POST,DELETE";
            context.Response.Headers.AccessControlAllowHeaders = CorsAllowedHeaders;
            context.Response.Headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        return next(context);
    }

    private static async Task ApplyApiFaultsAsync(HttpContext context, RequestDelegate next)
    {
        var faults = context.RequestServices.GetRequiredService<FaultState>();
        if (!IsSandboxOnly(context.Request.Path) && faults.TakeApiFault() is { } fault)
        {
            if (fault == ApiFaultMode.Error)
            {
                await WriteGenericErrorAsync(context);
                return;
            }
            // Hang until the test resets the faults or the client gives up.
            var released = faults.Released;
            faults.NoteHanging();
            await Task.WhenAny(released, Task.Delay(Timeout.Infinite, context.RequestAborted));
            if (context.RequestAborted.IsCancellationRequested)
                return;
        }
        await next(context);
    }

    /// <summary>Nango's 415: when a Content-Type is present on these routes it must start with application/json.</summary>
    private static Task RequireJsonContentTypeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var contentType = context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType)
            && JsonOnlyPrefixes.Any(p => path.StartsWithSegments(p) || path.Value!.StartsWith(p, StringComparison.Ordinal))
            && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return NangoResults.WriteAsync(context, 415, "invalid_content_type", "Content-Type header must be application/json");
        return next(context);
    }

    private static bool IsSandboxOnly(PathString path) => SandboxOnlyPrefixes.Any(p => path.StartsWithSegments(p));

    [LoggerMessage(Level = LogLevel.Error, Message = "Sandbox request {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
