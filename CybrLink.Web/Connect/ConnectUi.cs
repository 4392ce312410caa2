using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

public sealed record ConnectStartRequest(Dictionary<string, string>? Fields);

public sealed record ConnectStartResponse(
    string NangoBaseUrl, string NangoWsUrl, string Token, string Integration, string AuthMode,
    IReadOnlyDictionary<string, string> Params);

public sealed record ConnectCompleteRequest([property: Required, StringLength(255, MinimumLength = 1)] string ConnectionId);

public sealed record ConnectCompleteResponse(Guid ConnectionId, Guid SessionId, string? RedirectUrl);

public sealed record ConnectFailRequest([property: Required, StringLength(200, MinimumLength = 1)] string Error);

public sealed record ConnectStatusResponse(ConnectSessionStatus Status, Guid? ConnectionId, string? Error, string? RedirectUrl);

/// <summary>
/// The hosted Connect UI: the end user's consent page at <c>/connect</c> (static server rendering, no circuit) and
/// the few JSON calls its script makes. No credential passes through here: the browser sends it to Nango.
/// </summary>
public static class ConnectUi
{
    public static WebApplicationBuilder AddConnectUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Japanese (and every other script) as text, not as numeric character references.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddSingleton<ConnectHeaders>();
        // A framed Connect UI posts from another site's iframe: its antiforgery cookie must travel there too
        // (SameSite=None needs https, which framing sites use). The token in the header remains the check.
        builder.Services.AddOptions<AntiforgeryOptions>().Configure<IOptions<ConnectOptions>>((o, connect) =>
        {
            if (connect.Value.FrameAncestors.Count > 0)
            {
                o.Cookie.SameSite = SameSiteMode.None;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });

        return builder;
    }

    public static WebApplication MapConnectUi(this WebApplication app)
    {
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AddEndpointFilter(ApplyHeadersAsync)
            .RequireRateLimiting(RateLimiting.ConnectPolicy);
        connect.MapGet("/", ShowAsync);
        connect.MapGet("/leave", LeaveAsync);
        var calls = connect.MapGroup("/").AddEndpointFilter(RequireSessionAsync);
        calls.MapPost("/start", StartAsync);
        calls.MapPost("/complete", CompleteAsync);
        calls.MapPost("/fail", FailAsync);
        calls.MapGet("/status", StatusAsync);
        return app;
    }

    /// <summary>
    /// <c>?session=</c>: the token moves into a cookie and out of the address bar (history, logs, Referer).
    /// Without it: the consent page, or a page saying why the link cannot be used.
    /// </summary>
    public static async Task<IResult> ShowAsync(
        HttpContext http, ConnectFlow flow, IAntiforgery antiforgery, IOptions<BrandingOptions> branding,
        string? session, CancellationToken ct)
    {
        if (session is not null)
        {
            if (session.Length is > 0 and <= 200)
            {
                ConnectCookie.Write(http, session, framed: http.RequestServices.GetRequiredService<ConnectHeaders>().Frameable);
            }

            return new SeeOther("/connect");
        }

        var acceptLanguage = http.Request.Headers.AcceptLanguage.ToString();
        var token = ConnectCookie.Read(http);
        if (token is null)
        {
            return await RenderNoticeAsync(http, ConnectNotice.NotFound, ConnectLocale.Choose(null, acceptLanguage), null);
        }

        try
        {
            var page = await flow.OpenAsync(token, ct);
            var culture = ConnectLocale.Choose(page.Locale, acceptLanguage);
            var tokens = antiforgery.GetAndStoreTokens(http);
            return await RenderAsync<ConsentView>(http, culture, StatusCodes.Status200OK, new Dictionary<string, object?>
            {
                [nameof(ConsentView.Page)] = page,
                [nameof(ConsentView.Brand)] = branding.Value,
                [nameof(ConsentView.AntiforgeryHeader)] = tokens.HeaderName,
                [nameof(ConsentView.AntiforgeryToken)] = tokens.RequestToken,
            });
        }
        catch (Exception e) when (DomainProblems.For(e) is { Notice: { } notice } answer)
        {
            var locale = (e as ConnectSessionStateException)?.Locale;
            var back = notice.OffersReturn ? await flow.ErrorReturnUrlAsync(token, answer.Code, ct) : null;
            return await RenderNoticeAsync(http, notice, ConnectLocale.Choose(locale, acceptLanguage), back);
        }
    }

    /// <summary>"Back to the app" after a failure the end user gives up on: the return URL with the error.</summary>
    public static async Task<IResult> LeaveAsync(HttpContext http, ConnectFlow flow, string? error, CancellationToken ct)
    {
        var token = ConnectCookie.Read(http);
        try
        {
            var url = token is null ? null : await flow.ErrorReturnUrlAsync(token, error ?? "cancelled", ct);
            return new SeeOther(url ?? "/connect");
        }
        catch (ConnectSessionStateException)
        {
            return new SeeOther("/connect");
        }
    }

    /// <summary>
    /// The person pressed Connect: creates the Nango connect session the browser uses (never sees a credential) and
    /// records their consent to what the page showed them, in the page's language.
    /// </summary>
    public static async Task<Ok<ConnectStartResponse>> StartAsync(
        ConnectStartRequest? request, HttpContext http, ConnectAttempts attempts, IStringLocalizer<ConnectText> text,
        IOptions<BrandingOptions> branding, CancellationToken ct)
    {
        var acceptLanguage = http.Request.Headers.AcceptLanguage.ToString();
        var start = await attempts.StartAsync(ConnectCookie.Read(http)!, request?.Fields ?? [],
            consent => ConsentWording.Shown(text, consent.Integration, branding.Value, ConnectLocale.Choose(consent.SessionLocale, acceptLanguage)),
            ct);
        return TypedResults.Ok(new ConnectStartResponse(
            start.NangoBaseUrl, start.NangoWebSocketUrl, start.NangoSessionToken, start.Integration, start.AuthMode, start.Params));
    }

    /// <summary>The browser reports Nango's connection id; CybrLink confirms it with Nango's list before recording it.</summary>
    public static async Task<Ok<ConnectCompleteResponse>> CompleteAsync(
        ConnectCompleteRequest request, HttpContext http, ConnectResultConfirmer confirmer, CancellationToken ct)
    {
        var completion = await confirmer.CompleteAsync(ConnectCookie.Read(http)!, request.ConnectionId, ct);
        return TypedResults.Ok(new ConnectCompleteResponse(completion.ConnectionId, completion.SessionId, completion.RedirectUrl));
    }

    public static async Task<NoContent> FailAsync(
        ConnectFailRequest request, HttpContext http, ConnectFlow flow, CancellationToken ct)
    {
        await flow.ReportFailureAsync(ConnectCookie.Read(http)!, request.Error, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ConnectStatusResponse>> StatusAsync(HttpContext http, ConnectFlow flow, CancellationToken ct)
    {
        var poll = await flow.PollAsync(ConnectCookie.Read(http)!, ct);
        return TypedResults.Ok(new ConnectStatusResponse(poll.Status, poll.ConnectionId, poll.ErrorCode, poll.RedirectUrl));
    }

    private static async ValueTask<object?> ApplyHeadersAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var headers = http.RequestServices.GetRequiredService<ConnectHeaders>();
        // Registered after SecurityHeaders' callback, so it runs first (callbacks run last-in, first-out).
        http.Response.OnStarting(() =>
        {
            headers.Apply(http.Response);
            return Task.CompletedTask;
        });
        return await next(context);
    }

    /// <summary>
    /// The JSON calls need a session cookie and, on writes, an antiforgery token. Their domain errors are answered as
    /// ProblemDetails by the exception handler, from the same map as the API's.
    /// </summary>
    private static async ValueTask<object?> RequireSessionAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (ConnectCookie.Read(http) is null)
        {
            return Problem(StatusCodes.Status404NotFound, "session_not_found", "No connect session.");
        }

        if (HttpMethods.IsPost(http.Request.Method)
            && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return Problem(StatusCodes.Status400BadRequest, "antiforgery_failed", "The page is out of date; reload it.");
        }

        return await next(context);
    }

    private static ProblemHttpResult Problem(int status, string code, string title) => ApiProblems.Result(status, code, title);

    private static Task<IResult> RenderNoticeAsync(HttpContext http, ConnectNotice notice, CultureInfo culture, string? returnUrl) =>
        RenderAsync<NoticeView>(http, culture, notice.Status, new Dictionary<string, object?>
        {
            [nameof(NoticeView.Notice)] = notice,
            [nameof(NoticeView.Brand)] = http.RequestServices.GetRequiredService<IOptions<BrandingOptions>>().Value,
            [nameof(NoticeView.ReturnUrl)] = returnUrl,
        });

    /// <summary>Renders a page in the chosen language; the culture must be set where the rendering runs.</summary>
    private static async Task<IResult> RenderAsync<TComponent>(
        HttpContext http, CultureInfo culture, int status, Dictionary<string, object?> parameters)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        await new RazorComponentResult<TComponent>(parameters) { StatusCode = status }.ExecuteAsync(http);
        return Results.Empty;
    }

    /// <summary>303: the follow-up request is a GET whatever the first one was.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
