using System.Text.Json.Serialization;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Upstream;

/// <summary>
/// The providers' "APIs": any method under <c>/_upstream/&lt;provider&gt;/**</c> answers what it received, so tests
/// can see exactly what the proxy sent (injected credential included). Upstream faults apply here.
/// </summary>
internal static class EchoUpstreamEndpoints
{
    public static void MapEchoUpstream(this IEndpointRouteBuilder app) =>
        app.Map("/_upstream/{provider}/{**path}", EchoAsync);

    private static async Task<IResult> EchoAsync(string provider, HttpRequest request, SandboxStore store, FaultState faults, CancellationToken ct)
    {
        if (store.FindProvider(provider) is null)
            return NangoResults.Json(new { error = "unknown_upstream", message = $"No echo upstream for {provider}" }, 404);
        if (faults.TakeUpstreamDelay() is { } delay)
            await Task.Delay(delay, ct);
        if (faults.TakeUpstreamStatus() is { } status)
            return NangoResults.Json(new { error = "sandbox_fault", status }, status);

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        var prefix = $"/_upstream/{provider}";
        return NangoResults.Json(new Echo(
            request.Method,
            request.Path.Value is { } p && p.Length > prefix.Length ? p[prefix.Length..] : "/",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body));
    }

    private sealed record Echo(
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string> Query,
        [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
        [property: JsonPropertyName("body")] string Body);
}
