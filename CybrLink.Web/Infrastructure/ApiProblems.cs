using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CybrLink.Web.Infrastructure;

/// <summary>
/// CybrLink's error answers: RFC 9457 ProblemDetails with a stable <c>code</c> member that clients can switch on.
/// Everything under <c>/api</c> answers errors this way, whatever the request's Accept header says.
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    /// <summary>True for <c>/api</c> requests, also while the exception handler re-executes them under <c>/error</c>.</summary>
    public static bool IsApiRequest(HttpContext context) =>
        OriginalPath(context).StartsWith("/api/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The requests whose errors are problem+json: the API and the Connect UI's JSON calls (not its pages).</summary>
    public static bool AnswersWithProblems(HttpContext context) =>
        IsApiRequest(context) || OriginalPath(context).ToLowerInvariant()
            is "/connect/start" or "/connect/complete" or "/connect/fail" or "/connect/status";

    private static string OriginalPath(HttpContext context) =>
        context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value ?? "";

    public static ProblemDetails Create(HttpContext? context, int status, string code, string title, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeFor(status),
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (context is not null)
        {
            problem.Extensions["trace_id"] = context.TraceIdentifier;
        }

        return problem;
    }

    public static ProblemHttpResult Result(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(Create(null, status, code, title, detail));

    public static Task WriteAsync(HttpContext context, int status, string code, string title, string? detail = null)
    {
        var problem = Create(context, status, code, title, detail);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }

    /// <summary>422: the request is well-formed but a field's value cannot be accepted; names the field.</summary>
    public static Task WriteValidationAsync(HttpContext context, string field, string message)
    {
        var problem = Create(context, StatusCodes.Status422UnprocessableEntity, "validation_failed", "A field cannot be accepted.", message);
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        // The Connect UI's script read this member before `errors` existed.
        problem.Extensions["field"] = field;
        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }

    /// <summary>The stable code for a status when nothing more specific is known.</summary>
    public static string DefaultCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        410 => "gone",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        429 => "too_many_requests",
        502 => "bad_gateway",
        503 => "service_unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };

    public static string DefaultTitle(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "This is not allowed.",
        404 => "Not found.",
        405 => "That method is not allowed here.",
        409 => "Conflict.",
        415 => "Unsupported content type.",
        422 => "The request cannot be processed.",
        429 => "Too many requests.",
        503 => "Service unavailable.",
        _ when status >= 500 => "An unexpected error occurred.",
        _ => "Error.",
    };

    private static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        410 => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}

/// <summary>
/// Writes every ProblemDetails produced for an <c>/api</c> request (validation, results, status codes) as
/// <c>application/problem+json</c> with a <c>code</c>, regardless of content negotiation.
/// </summary>
internal sealed class ApiProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => ApiProblems.IsApiRequest(context.HttpContext);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ApiProblems.DefaultTitle(status);
        problem.Extensions.TryAdd("code", problem is HttpValidationProblemDetails ? "validation_failed" : ApiProblems.DefaultCode(status));
        problem.Extensions.TryAdd("trace_id", http.TraceIdentifier);
        return new ValueTask(http.Response.WriteAsJsonAsync(
            problem, problem.GetType(), (System.Text.Json.JsonSerializerOptions?)null, ApiProblems.ContentType));
    }
}
