using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CybrLink.Sandbox;

/// <summary>
/// A standalone sandbox on its own Kestrel (127.0.0.1, base path "" like a real Nango root), for tests and for
/// CybrLink's E2E suite, which needs Nango on an origin of its own.
/// </summary>
public static class SandboxServer
{
    public static Task<RunningSandbox> StartAsync(SandboxOptions options, int port = 0, CancellationToken ct = default) =>
        StartAsync(options, TimeProvider.System, port, ct);

    /// <summary>As above, with the clock the sandbox uses (session expiry, token expiry, refresh backoff).</summary>
    public static async Task<RunningSandbox> StartAsync(SandboxOptions options, TimeProvider timeProvider, int port = 0, CancellationToken ct = default)
    {
        var effective = new SandboxOptions
        {
            Enabled = true,
            BasePath = "",
            SecretKey = options.SecretKey,
            WebhookSigningKey = options.WebhookSigningKey,
            WebhookUrl = options.WebhookUrl,
            WebhookRetryDelay = options.WebhookRetryDelay,
            WebhookTimeout = options.WebhookTimeout,
            ConnectUiUrl = options.ConnectUiUrl,
            RateLimitPerMinute = options.RateLimitPerMinute,
        };
        SandboxExtensions.FillInKeys(effective);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Development,
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // Note: loopback only; the sandbox has no business being reachable from the network.
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddSingleton(Options.Create(effective));
        builder.Services.AddSandboxServices();

        var app = builder.Build();
        SandboxPipeline.Configure(app);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSandbox(app, address.TrimEnd('/'), effective);
    }
}

/// <summary>A sandbox started by <see cref="SandboxServer"/>; dispose to stop it.</summary>
public sealed class RunningSandbox : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _controlHttp = new();

    internal RunningSandbox(WebApplication app, string baseUrl, SandboxOptions options)
    {
        _app = app;
        BaseUrl = baseUrl;
        Options = options;
        Control = new SandboxControlClient(_controlHttp, baseUrl, options.SecretKey);
    }

    /// <summary>Origin of the sandbox, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash); Nango's <c>NANGO_SERVER_URL</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The effective options, with the generated secret key and webhook signing key.</summary>
    public SandboxOptions Options { get; }

    /// <summary>Fault switches and the webhook log.</summary>
    public SandboxControlClient Control { get; }

    internal IServiceProvider Services => _app.Services;

    private bool _stopped;

    /// <summary>Stops listening, as a Nango that went down: calls to <see cref="BaseUrl"/> are refused from now on.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _controlHttp.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
