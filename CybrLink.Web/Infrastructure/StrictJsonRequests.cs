using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Marks an endpoint whose query and body are not checked (the <c>/api</c> fallback: it answers 404 anyway).</summary>
public sealed class LenientRequestMetadata;

/// <summary>
/// Marks an endpoint that reads its JSON body itself and names every error by its own paths (a policy): the body is
/// still checked for size, Content-Type and syntax here, but not against a type.
/// </summary>
public sealed class OwnBodyValidationMetadata;

/// <summary>
/// Checks each JSON-surface request against its endpoint before the framework binds it: unknown or repeated query
/// parameters, query values of the wrong type, the Content-Type, the body size and the body's JSON. Every refusal is
/// problem+json with a stable code, the same in Development and Production.
/// </summary>
public sealed class StrictJsonRequests(RequestDelegate next, IOptions<ApiOptions> api, StrictJsonReader reader)
{
    private readonly ConcurrentDictionary<Endpoint, IReadOnlyDictionary<string, Type>> _queryParameters = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<LenientRequestMetadata>() is not null || !ApiProblems.IsJsonRequest(context))
        {
            await next(context);
            return;
        }

        var queryErrors = CheckQuery(context.Request.Query, _queryParameters.GetOrAdd(endpoint, DeclaredQuery));
        if (queryErrors.Count > 0)
        {
            await ApiProblems.WriteValidationAsync(context, queryErrors);
            return;
        }

        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        if (accepts?.RequestType is { } bodyType && !await ReadBodyAsync(context, bodyType, accepts.IsOptional))
        {
            return;
        }

        await next(context);
    }

    /// <summary>Reads, checks and re-plays the body; false when an answer was written instead.</summary>
    private async Task<bool> ReadBodyAsync(HttpContext context, Type bodyType, bool optional)
    {
        var request = context.Request;
        var max = api.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            await TooLargeAsync(context, max);
            return false;
        }

        byte[]? body;
        try
        {
            body = await ReadBoundedAsync(request.Body, max, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is null)
        {
            await TooLargeAsync(context, max);
            return false;
        }

        if (JsonContentType.WasRejected(context) && (body.Length > 0 || !optional))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                ApiProblems.DefaultTitle(415), "Send the body as JSON with 'Content-Type: application/json' (charset utf-8, if any).");
            return false;
        }

        if (body.Length == 0)
        {
            if (!optional)
            {
                await ApiProblems.WriteValidationAsync(context, StrictJsonReader.BodyKey, "A JSON object is required.");
                return false;
            }
        }
        else
        {
            if (StrictJsonReader.SyntaxError(body, out var document) is { } syntax)
            {
                await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed_json", "The body is not valid JSON.", syntax);
                return false;
            }

            using (document)
            {
                var errors = context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyValidationMetadata>() is null
                    ? reader.Check(document!, bodyType, optional)
                    : [];
                if (errors.Count > 0)
                {
                    await ApiProblems.WriteValidationAsync(context, errors);
                    return false;
                }
            }
        }

        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        return true;
    }

    private static Task TooLargeAsync(HttpContext context, int max) =>
        ApiProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The body is too large.",
            $"Bodies of up to {max} bytes are accepted.");

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, string[]> CheckQuery(IQueryCollection query, IReadOnlyDictionary<string, Type> declared)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (!declared.TryGetValue(key, out var type))
            {
                errors[key] = ["Unknown query parameter."];
            }
            else if (values.Count > 1)
            {
                errors[key] = ["Give this parameter once."];
            }
            else if (!Parses(values.ToString(), Nullable.GetUnderlyingType(type) ?? type, out var expected))
            {
                errors[key] = [$"Must be {expected}."];
            }
        }

        return errors;
    }

    private static bool Parses(string value, Type type, out string expected)
    {
        (var ok, expected) = type switch
        {
            _ when type == typeof(int) => (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), "a whole number"),
            _ when type == typeof(long) => (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), "a whole number"),
            _ when type == typeof(bool) => (bool.TryParse(value, out _), "true or false"),
            _ when type == typeof(Guid) => (Guid.TryParse(value, out _), "a UUID"),
            _ when type == typeof(DateTimeOffset) => (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
                "a date and time in ISO 8601, e.g. 2026-01-31T12:00:00Z"),
            _ => (true, "text"),
        };
        return ok;
    }

    /// <summary>The query names a handler declares: <c>[FromQuery(Name = ...)]</c>, or simple parameters not in the route.</summary>
    private static IReadOnlyDictionary<string, Type> DeclaredQuery(Endpoint endpoint)
    {
        var declared = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        var method = endpoint.Metadata.GetMetadata<MethodInfo>();
        if (method is null)
        {
            return declared;
        }

        var routeNames = (endpoint as RouteEndpoint)?.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        foreach (var parameter in method.GetParameters())
        {
            var fromQuery = parameter.GetCustomAttribute<FromQueryAttribute>();
            var simple = parameter.ParameterType == typeof(string) || (Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType).IsPrimitive
                || (Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType) == typeof(Guid);
            var bound = parameter.GetCustomAttributes().Any(a => a is IFromRouteMetadata or IFromBodyMetadata or IFromHeaderMetadata or IFromServiceMetadata or IFromFormMetadata);
            if (fromQuery is not null)
            {
                declared[fromQuery.Name ?? parameter.Name!] = parameter.ParameterType;
            }
            else if (simple && !bound && !routeNames.Contains(parameter.Name!))
            {
                declared[parameter.Name!] = parameter.ParameterType;
            }
        }

        return declared;
    }
}

public static class StrictJsonSetup
{
    /// <summary>snake_case JSON, strict reading for the JSON surfaces, and binding failures thrown to the exception handler.</summary>
    public static IServiceCollection AddStrictJsonRequests(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // Numbers are JSON numbers: "30" for expires_in_minutes is a wrong type, not a number.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // Enums are their documented names: "status": 1 is a wrong type, not the second value.
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        });
        // Note: the same answer in every environment. Without this, Production writes a bare 400 for a body or query
        // value the framework cannot bind, and Development throws; now both throw and CybrLinkExceptionHandler answers.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton(sp =>
        {
            var strict = new JsonSerializerOptions(sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions)
            {
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
                AllowDuplicateProperties = false,
                RespectNullableAnnotations = true,
            };
            strict.MakeReadOnly(populateMissingResolver: true);
            return new StrictJsonReader(strict);
        });
        return services;
    }

    public static IApplicationBuilder UseStrictJsonRequests(this IApplicationBuilder app) => app.UseMiddleware<StrictJsonRequests>();
}
