using System.Globalization;

namespace CybrLink.Core.Nango;

/// <summary>One call to forward through Nango's <c>/proxy</c> to the provider of a connection.</summary>
public sealed record NangoProxyRequest
{
    public required HttpMethod Method { get; init; }

    /// <summary>The provider path, e.g. <c>user/repos</c>; appended to the provider's base URL by Nango.</summary>
    public required string Path { get; init; }

    /// <summary>Query string for the provider, without the leading <c>?</c>; forwarded as is.</summary>
    public string? Query { get; init; }

    public required string ConnectionId { get; init; }
    public required string ProviderConfigKey { get; init; }

    /// <summary>Headers for the provider. Sent as <c>Nango-Proxy-&lt;Name&gt;</c>, the only ones Nango forwards.</summary>
    public IReadOnlyDictionary<string, string> ProviderHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra attempts Nango makes on 5xx/429/network errors (Nango's <c>Retries</c> header).</summary>
    public int? Retries { get; init; }

    /// <summary>Request body, streamed as is (its Content-Type goes with it).</summary>
    public HttpContent? Content { get; init; }
}

/// <summary>
/// Nango's proxy for any HTTP method, with streamed bodies both ways. A typed client rather than Refit methods
/// because the method is data here; it shares the Nango client's auth and failure handling.
/// </summary>
/// <remarks>
/// Note: CybrLink alone sets <c>Connection-Id</c> and <c>Provider-Config-Key</c>, and never <c>Base-Url-Override</c>
/// (it would send the connection's credential to any host).
/// </remarks>
public sealed class NangoProxyClient(HttpClient http)
{
    /// <summary>
    /// Sends the call and returns as soon as the response headers arrive; the caller owns (and disposes) the
    /// response and reads its body as a stream. The status and body are the provider's, or Nango's own error.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(NangoProxyRequest call, CancellationToken ct = default)
    {
        var path = call.Path.TrimStart('/');
        var uri = "proxy/" + path + (string.IsNullOrEmpty(call.Query) ? "" : "?" + call.Query.TrimStart('?'));
        using var request = new HttpRequestMessage(call.Method, uri) { Content = call.Content };
        request.Headers.Add("Connection-Id", call.ConnectionId);
        request.Headers.Add("Provider-Config-Key", call.ProviderConfigKey);
        if (call.Retries is { } retries)
        {
            request.Headers.Add("Retries", retries.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in call.ProviderHeaders)
        {
            request.Headers.TryAddWithoutValidation("Nango-Proxy-" + name, value);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }
}
