namespace CybrLink.Sandbox.Infrastructure;

/// <summary>
/// The sandbox's own outbound client (token calls, proxy, webhooks). Deliberately not from IHttpClientFactory:
/// a host's <c>ConfigureHttpClientDefaults</c> resilience would add retries Nango does not make.
/// </summary>
internal sealed class SandboxHttp : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
