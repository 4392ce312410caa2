using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using Microsoft.AspNetCore.Diagnostics;

namespace CybrLink.Web.Infrastructure;

/// <summary>The one place exceptions become answers. API callers get ProblemDetails; pages get the error page.</summary>
internal sealed partial class CybrLinkExceptionHandler(ILogger<CybrLinkExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var answer = DomainProblems.For(exception);
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path;
        if (exception is NangoApiException or NangoUnavailableException)
        {
            // Note: the code stays in the log for the operator; neither Nango's message nor body reaches a caller.
            LogNangoFailure(logger, context.Request.Method, path, exception.GetType().Name, (exception as NangoApiException)?.Code);
        }
        else if (answer is null)
        {
            LogUnhandled(logger, exception, context.Request.Method, path);
        }

        if (!ApiProblems.AnswersWithProblems(context) || context.Response.HasStarted)
        {
            return false;
        }

        answer ??= new ProblemAnswer(500, "internal_error", "An unexpected error occurred.");
        if (!ApiProblems.IsApiRequest(context))
        {
            answer = DomainProblems.ForEndUser(answer);
        }

        if (answer.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        }

        if (exception is ConnectValidationException invalid)
        {
            await ApiProblems.WriteValidationAsync(context, invalid.Field, invalid.Message);
        }
        else
        {
            await ApiProblems.WriteAsync(context, answer.Status, answer.Code, answer.Title, answer.Detail);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Method} {Path}: Nango failed ({Failure} {NangoCode})")]
    private static partial void LogNangoFailure(ILogger logger, string method, string path, string failure, string? nangoCode);
}
