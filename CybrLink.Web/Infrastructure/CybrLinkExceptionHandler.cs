using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using Microsoft.AspNetCore.Diagnostics;

namespace CybrLink.Web.Infrastructure;

/// <summary>The one place exceptions become answers. API callers get ProblemDetails; pages get the error page.</summary>
internal sealed partial class CybrLinkExceptionHandler(ILogger<CybrLinkExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is ConnectValidationException invalid && ApiProblems.IsApiRequest(context) && !context.Response.HasStarted)
        {
            await ApiProblems.WriteValidationAsync(context, invalid.Field, invalid.Message);
            return true;
        }

        var (status, code, title, detail) = Describe(exception);

        if (status >= 500)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path);
        }

        if (!ApiProblems.IsApiRequest(context) || context.Response.HasStarted)
        {
            return false;
        }

        await ApiProblems.WriteAsync(context, status, code, title, detail);
        return true;
    }

    /// <summary>
    /// The status a failure is answered with, also for pages (the exception handler middleware's status selector), so
    /// a domain refusal is a 4xx wherever it happens and only real failures are 5xx.
    /// </summary>
    public static int StatusOf(Exception exception) => Describe(exception).Status;

    private static (int Status, string Code, string Title, string? Detail) Describe(Exception exception) => exception switch
    {
        ConnectValidationException e => (StatusCodes.Status422UnprocessableEntity, "validation_failed", "A field cannot be accepted.", e.Message),
        ConnectSessionStateException e => (ConnectProblems.StatusOf(e.Problem), e.Code, ConnectProblems.TitleOf(e.Problem), null),
        NangoUnavailableException e => (503, "nango_unavailable", "The token service is unreachable.", e.Message),
        // Note: only Nango's code goes out, never its message or body: they can name internals.
        NangoApiException e => (502, "nango_error", "The token service refused the request.", $"Nango answered {(int)e.Status} {e.Code}."),
        BadHttpRequestException e => (e.StatusCode, ApiProblems.DefaultCode(e.StatusCode), ApiProblems.DefaultTitle(e.StatusCode), e.Message),
        _ => (500, "internal_error", "An unexpected error occurred.", null),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
