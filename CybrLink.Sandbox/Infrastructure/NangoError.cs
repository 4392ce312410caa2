using System.Text.Json.Serialization;

namespace CybrLink.Sandbox.Infrastructure;

/// <summary>Nango's error envelope: <c>{"error":{"code","message"?,"errors"?,"payload"?}}</c>.</summary>
internal sealed record NangoErrorBody([property: JsonPropertyName("error")] NangoError Error);

internal sealed record NangoError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ZodIssue>? Errors = null,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Payload = null);

/// <summary>One validation issue, shaped like a zod issue (<c>path</c> is always strings, as Nango sends it).</summary>
internal sealed record ZodIssue(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path);

internal static class NangoResults
{
    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, SandboxJson.Options, statusCode: statusCode);

    public static IResult Error(int statusCode, string code, string? message = null,
        IReadOnlyList<ZodIssue>? errors = null, object? payload = null) =>
        Json(new NangoErrorBody(new NangoError(code, message, errors, payload)), statusCode);

    public static IResult InvalidBody(IReadOnlyList<ZodIssue> errors) => Error(400, "invalid_body", errors: errors);

    public static IResult InvalidQuery(IReadOnlyList<ZodIssue> errors) => Error(400, "invalid_query_params", errors: errors);

    public static IResult InvalidBody(string message, params string[] path) =>
        InvalidBody([new ZodIssue("custom", message, path)]);

    public static Task WriteAsync(HttpContext context, int statusCode, string code, string? message = null, object? payload = null) =>
        Error(statusCode, code, message, payload: payload).ExecuteAsync(context);
}
