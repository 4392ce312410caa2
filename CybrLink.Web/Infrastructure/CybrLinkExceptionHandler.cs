using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using Microsoft.AspNetCore.Diagnostics;

namespace CybrLink.Web.Infrastructure;

/// <summary>The one place exceptions become answers. API callers get ProblemDetails; pages get the error page.</summary>
internal sealed partial class CybrLinkExceptionHandler(ILogger<CybrLinkExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is ConnectValidationException invalid && ApiProblems.IsJsonRequest(context) && !context.Response.HasStarted)
        {
            await ApiProblems.WriteValidationAsync(context, invalid.Field, invalid.Message);
            return true;
        }

        var (status, code, title, detail) = exception switch
        {
            ConnectSessionStateException e => (ConnectProblems.StatusOf(e.Problem), e.Code, ConnectProblems.TitleOf(e.Problem), (string?)null),
            NangoUnavailableException e => (503, "nango_unavailable", "The token service is unreachable.", e.Message),
            // Note: only Nango's code goes out, never its message or body: they can name internals.
            NangoApiException e => (502, "nango_error", "The token service refused the request.", $"Nango answered {(int)e.Status} {e.Code}."),
            // Note: the framework's message names parameters and types; the caller gets a plain sentence instead.
            BadHttpRequestException { InnerException: System.Text.Json.JsonException } => (400, "malformed_json", "The body is not valid JSON.", (string?)null),
            BadHttpRequestException e => (e.StatusCode, ApiProblems.DefaultCode(e.StatusCode), ApiProblems.DefaultTitle(e.StatusCode), "The request could not be read."),
            _ => (500, "internal_error", "An unexpected error occurred.", null),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path);
        }

        if (!ApiProblems.IsJsonRequest(context) || context.Response.HasStarted)
        {
            return false;
        }

        await ApiProblems.WriteAsync(context, status, code, title, detail);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
