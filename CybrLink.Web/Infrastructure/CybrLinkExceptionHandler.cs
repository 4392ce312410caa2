using CybrLink.Core.AgentAccess;
using CybrLink.Web.Connect;
using CybrLink.Core.Nango;
using Microsoft.AspNetCore.Diagnostics;

namespace CybrLink.Web.Infrastructure;

/// <summary>The one place exceptions become answers. API callers get ProblemDetails; pages get the error page.</summary>
internal sealed partial class CybrLinkExceptionHandler(ILogger<CybrLinkExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var answer = DomainProblems.For(exception) ?? new ProblemAnswer(500, "internal_error", "An unexpected error occurred.");
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path;
        if (exception is NangoApiException { IsRateLimited: true })
        {
            // Nango did nothing and the caller may retry: a warning for the operator to raise Nango's limit, not an error.
            LogNangoBusy(logger, context.Request.Method, path);
        }
        else if (answer.Status >= 500 && exception is not AgentAccessException)
        {
            // Note: Nango's code stays in this log line for the operator; neither its message nor body reaches a caller.
            LogUnhandled(logger, exception, context.Request.Method, path);
        }

        if (!ApiProblems.IsJsonRequest(context) || context.Response.HasStarted)
        {
            return false;
        }

        if (!ApiProblems.IsApiRequest(context))
        {
            answer = DomainProblems.ForEndUser(answer);
        }

        if (answer.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        }

        if (answer.Errors is { } errors)
        {
            await ApiProblems.WriteValidationAsync(context, errors.ToDictionary());
        }
        else
        {
            var extensions = new Dictionary<string, object?>(answer.Extensions ?? new Dictionary<string, object?>());
            if (answer.ConnectToken is { } token)
            {
                extensions["connect_url"] = ConnectLinks.Url(context, token);
            }

            await ApiProblems.WriteAsync(context, answer.Status, answer.Code, answer.Title, answer.Detail, extensions);
        }

        return true;
    }

    /// <summary>
    /// The status a failure is answered with, also for pages (the exception handler middleware's status selector), so
    /// a domain refusal is a 4xx wherever it happens and only real failures are 5xx.
    /// </summary>
    public static int StatusOf(Exception exception) => DomainProblems.For(exception)?.Status ?? 500;

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Method} {Path}: Nango's API rate limit was reached (DEFAULT_RATE_LIMIT_PER_MIN on the Nango server); the caller was told to retry")]
    private static partial void LogNangoBusy(ILogger logger, string method, string path);
}
