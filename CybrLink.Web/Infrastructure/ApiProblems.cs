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

    /// <summary>The JSON surfaces: the API and the Connect UI's script calls. Their errors are always problem+json.</summary>
    public static bool IsJsonRequest(HttpContext context) => IsApiRequest(context) || IsConnectCall(context);

    /// <summary><c>/connect/start|complete|fail|status</c>: JSON calls made by connect.js.</summary>
    public static bool IsConnectCall(HttpContext context) =>
        OriginalPath(context).ToLowerInvariant() is "/connect/start" or "/connect/complete" or "/connect/fail" or "/connect/status";

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

    public static Task WriteAsync(
        HttpContext context, int status, string code, string title, string? detail = null,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = Create(context, status, code, title, detail);
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }

        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }

    /// <summary>422 <c>validation_failed</c>: the request is well-formed but fields cannot be accepted; names each one.</summary>
    public static ProblemDetails Validation(HttpContext? context, IDictionary<string, string[]> errors)
    {
        var detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        var problem = Create(context, StatusCodes.Status422UnprocessableEntity, "validation_failed", "A field cannot be accepted.", detail);
        problem.Extensions["errors"] = errors;
        if (context is not null && IsConnectCall(context) && errors.Count > 0)
        {
            // Kept while connect.js moves to reading `errors`.
            problem.Extensions["field"] = errors.Keys.First();
        }

        return problem;
    }

    public static Task WriteValidationAsync(HttpContext context, IDictionary<string, string[]> errors)
    {
        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return context.Response.WriteAsJsonAsync(Validation(context, errors), (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }

    public static Task WriteValidationAsync(HttpContext context, string field, string message) =>
        WriteValidationAsync(context, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The framework's validation keys (<c>EndUser.Id</c>, <c>Items[0].Name</c>) as the JSON names (<c>end_user.id</c>).</summary>
    public static string SnakeCasePath(string path) =>
        string.Join('.', path.Split('.').Select(segment =>
        {
            var bracket = segment.IndexOf('[');
            var name = bracket < 0 ? segment : segment[..bracket];
            var suffix = bracket < 0 ? "" : segment[bracket..];
            return System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name) + suffix;
        }));

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
        410 => "Gone.",
        413 => "The body is too large.",
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
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
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
    public bool CanWrite(ProblemDetailsContext context) => ApiProblems.IsJsonRequest(context.HttpContext);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails validation)
        {
            // One dialect: the framework's 400 with PascalCase keys becomes CybrLink's 422 with the JSON field names.
            var errors = validation.Errors.ToDictionary(
                e => ApiProblems.SnakeCasePath(e.Key),
                e => e.Value.Select(PlainMessage).ToArray(),
                StringComparer.Ordinal);
            http.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            problem = ApiProblems.Validation(http, errors);
        }

        var status = problem.Status ?? http.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ApiProblems.DefaultTitle(status);
        problem.Extensions.TryAdd("code", ApiProblems.DefaultCode(status));
        problem.Extensions.TryAdd("trace_id", http.TraceIdentifier);
        return new ValueTask(http.Response.WriteAsJsonAsync(
            problem, problem.GetType(), (System.Text.Json.JsonSerializerOptions?)null, ApiProblems.ContentType));
    }

    // "The Id field is required." / "The field Email must be ..." name C# members; the key already names the field.
    private static string PlainMessage(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"^The (field \S+|\S+ field) ", "This field ");
}
