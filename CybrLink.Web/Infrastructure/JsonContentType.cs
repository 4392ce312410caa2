using Microsoft.Net.Http.Headers;

namespace CybrLink.Web.Infrastructure;

/// <summary>
/// Runs before routing for the JSON surfaces. Routing drops an endpoint whose Content-Type does not match, which made
/// the <c>/api</c> fallback answer 404 "No such API route" to a wrong Content-Type. So a request that names anything
/// but JSON is routed as JSON and marked; <see cref="StrictJsonRequests"/> then answers 415 when the endpoint reads a
/// body. Accepted JSON is normalised to <c>application/json</c>, so odd parameters never reach the framework's reader.
/// </summary>
public static class JsonContentType
{
    private const string RejectedItem = "cybrlink:content_type_rejected";

    public static IApplicationBuilder UseJsonContentTypeGate(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            Normalize(context);
            return next(context);
        });

    /// <summary>True when the request named no JSON content type (or a malformed one) and was routed as JSON anyway.</summary>
    public static bool WasRejected(HttpContext context) => context.Items.ContainsKey(RejectedItem);

    /// <summary><c>application/json</c> or <c>application/*+json</c>, with no parameter other than <c>charset=utf-8</c>.</summary>
    public static bool IsAcceptable(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Length == 0)
        {
            return false;
        }

        var type = media.MediaType.Value!;
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        return json
            && contentType.Count(c => c == ';') == media.Parameters.Count
            && media.Parameters.All(p =>
                p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                && HeaderUtilities.RemoveQuotes(p.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static void Normalize(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !ApiProblems.IsJsonRequest(context) || Agents.AgentApi.IsProxyPath(request.Path))
        {
            return;
        }

        if (!IsAcceptable(request.ContentType))
        {
            context.Items[RejectedItem] = true;
        }

        request.ContentType = "application/json";
    }
}
