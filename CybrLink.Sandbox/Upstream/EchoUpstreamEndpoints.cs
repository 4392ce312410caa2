using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Upstream;

/// <summary>
/// The providers' "APIs": any method under <c>/_upstream/&lt;provider&gt;/**</c> answers what it received, so tests
/// can see exactly what the proxy sent. The credential header the proxy injects for the provider (<c>Authorization</c>
/// for OAuth2 and basic, the API-key header such as <c>x-api-key</c>) is echoed only as proof that it arrived:
/// <c>present, sha256:&lt;first 8 hex&gt;</c>. Upstream faults apply here.
/// </summary>
internal static class EchoUpstreamEndpoints
{
    public static void MapEchoUpstream(this IEndpointRouteBuilder app) =>
        app.Map("/_upstream/{provider}/{**path}", EchoAsync);

    /// <summary>How the echo shows a credential header's value: <c>present, sha256:</c> + the first 8 lowercase hex of its SHA-256.</summary>
    public static string Fingerprint(string value) =>
        "present, sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];

    private static async Task<IResult> EchoAsync(string provider, HttpRequest request, SandboxStore store, FaultState faults, CancellationToken ct)
    {
        var definition = store.FindProvider(provider);
        if (definition is null)
            return NangoResults.Json(new { error = "unknown_upstream", message = $"No echo upstream for {provider}" }, 404);
        if (faults.TakeUpstreamDelay() is { } delay)
            await Task.Delay(delay, ct);
        foreach (var (name, value) in faults.TakeUpstreamHeaders() ?? new Dictionary<string, string>())
            request.HttpContext.Response.Headers[name] = value;
        if (faults.TakeUpstreamStatus() is { } status)
            return NangoResults.Json(new { error = "sandbox_fault", status }, status);

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        var prefix = $"/_upstream/{provider}";
        var credentialHeader = CredentialHeader(definition);
        return NangoResults.Json(new Echo(
            request.Method,
            request.Path.Value is { } p && p.Length > prefix.Length ? p[prefix.Length..] : "/",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(),
                h => h.Key.Equals(credentialHeader, StringComparison.OrdinalIgnoreCase) ? Fingerprint(h.Value.ToString()) : h.Value.ToString()),
            body));
    }

    // Note: the echo's answer travels back through the proxy to whoever called it (an agent, in CybrLink). Echoing the
    // credential would hand the agent the very token the proxy exists to keep from it, and would make the canary scan
    // of agent responses fail for the emulator's sake; a hash prefix still proves which credential arrived.
    private static string CredentialHeader(Provider provider) =>
        provider.AuthMode == AuthModes.ApiKey && provider.ApiKey is { } placement ? placement.Header : "Authorization";

    private sealed record Echo(
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string> Query,
        [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
        [property: JsonPropertyName("body")] string Body);
}
