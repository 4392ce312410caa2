using System.Net.Http.Headers;
using System.Text;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Proxy;

/// <summary>
/// <c>/proxy/*</c>, any method: finds the connection, refreshes if needed, injects the stored credential the way
/// the provider wants it and streams the upstream answer back. Only <c>Nango-Proxy-*</c> headers go upstream.
/// </summary>
internal static class ProxyEndpoints
{
    private const string ForwardPrefix = "Nango-Proxy-";

    // What Nango copies from a 2xx upstream answer; errors get every header but transfer-encoding.
    private static readonly string[] SuccessHeaders = ["Content-Type", "Mcp-Session-Id", "X-Request-Id", "X-Correlation-Id"];
    private static readonly string[] HopByHop = ["Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Proxy-Connection", "Trailer"];

    public static void MapProxy(this IEndpointRouteBuilder app) =>
        app.Map("/proxy/{**path}", ForwardAsync).RequireSecretKey();

    private static async Task<IResult> ForwardAsync(HttpContext context, SandboxStore store, CredentialRefresher refresher,
        SandboxHttp http, CancellationToken ct)
    {
        var request = context.Request;
        var missing = new[] { "Connection-Id", "Provider-Config-Key" }
            .Where(h => string.IsNullOrEmpty(request.Headers[h].ToString()))
            .Select(h => new ZodIssue("invalid_type", "Required", [h.ToLowerInvariant()]))
            .ToList();
        if (missing.Count > 0)
            return NangoResults.Error(400, "invalid_headers", errors: missing);

        var key = request.Headers["Provider-Config-Key"].ToString();
        var integration = store.FindIntegration(key);
        if (integration is null)
            return NangoResults.Error(404, "unknown_provider_config", $"Provider config {key} does not exist");
        var found = store.FindConnection(key, request.Headers["Connection-Id"].ToString());
        if (found is null)
            return NangoResults.Error(400, "server_error", "Failed to get connection");
        var (connection, refreshError) = await refresher.EnsureFreshAsync(found, request, ct);
        if (refreshError is not null)
            return refreshError;

        var provider = store.FindProvider(integration.Provider)!;
        var path = request.Path.ToUriComponent()["/proxy".Length..];
        var url = $"{SandboxUrls.Upstream(request, provider.Name)}/{path.TrimStart('/')}{request.QueryString.ToUriComponent()}";
        using var upstream = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            upstream.Content = new StreamContent(request.Body);
            if (request.ContentType is { } contentType)
                upstream.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in request.Headers)
        {
            if (!name.StartsWith(ForwardPrefix, StringComparison.OrdinalIgnoreCase) || name.Length == ForwardPrefix.Length)
                continue;
            var upstreamName = name[ForwardPrefix.Length..];
            if (!upstream.Headers.TryAddWithoutValidation(upstreamName, (IEnumerable<string?>)value))
                upstream.Content?.Headers.TryAddWithoutValidation(upstreamName, (IEnumerable<string?>)value);
        }
        InjectCredentials(upstream, provider, connection!.Credentials);

        HttpResponseMessage response;
        try
        {
            response = await http.Client.SendAsync(upstream, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            // A network failure with no upstream answer: Nango's bare 500 body.
            return NangoResults.Json(new { message = e.Message, code = "ECONNREFUSED", status = (int?)null, method = request.Method }, 500);
        }
        return new UpstreamResult(response);
    }

    // Note: the credential is added here, after the caller's headers, so a caller can never choose it.
    private static void InjectCredentials(HttpRequestMessage upstream, Provider provider, ConnectionCredentials credentials)
    {
        switch (credentials)
        {
            case OAuth2Credentials oauth:
                upstream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", oauth.AccessToken);
                break;
            case ApiKeyCredentials apiKey when provider.ApiKey is { } placement:
                upstream.Headers.Remove(placement.Header);
                upstream.Headers.TryAddWithoutValidation(placement.Header, placement.ValueTemplate.Replace("${apiKey}", apiKey.ApiKey, StringComparison.Ordinal));
                break;
            case BasicCredentials basic:
                upstream.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{basic.Password}")));
                break;
        }
    }

    /// <summary>Streams the upstream status, the headers Nango passes on, and the raw body.</summary>
    private sealed class UpstreamResult(HttpResponseMessage upstream) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            using (upstream)
            {
                var response = context.Response;
                response.StatusCode = (int)upstream.StatusCode;
                var headers = upstream.Headers.Concat(upstream.Content.Headers);
                foreach (var (name, values) in headers)
                {
                    var copy = upstream.IsSuccessStatusCode
                        ? SuccessHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
                        : !HopByHop.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);
                    if (copy)
                        response.Headers[name] = values.ToArray();
                }
                if (upstream.StatusCode == System.Net.HttpStatusCode.NoContent)
                    return;
                await using var body = await upstream.Content.ReadAsStreamAsync(context.RequestAborted);
                await body.CopyToAsync(response.Body, context.RequestAborted);
            }
        }
    }
}
