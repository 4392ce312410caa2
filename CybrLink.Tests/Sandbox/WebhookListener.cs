using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CybrLink.Tests.Sandbox;

/// <summary>A tiny webhook receiver on 127.0.0.1:0 that records raw bodies and answers scripted statuses.</summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly ConcurrentQueue<int> _statuses = new();

    private WebhookListener(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var listener = new WebhookListener(builder.Build());
        listener._app.MapPost("/hooks", listener.ReceiveAsync);
        await listener._app.StartAsync();
        var address = listener._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.Url = address.TrimEnd('/') + "/hooks";
        return listener;
    }

    /// <summary>The next requests get these statuses, in order; then 200.</summary>
    public void Respond(params int[] statuses)
    {
        foreach (var status in statuses)
            _statuses.Enqueue(status);
    }

    public async Task<ReceivedWebhook> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cts.Token);
    }

    public bool TryTake(out ReceivedWebhook? webhook) => _received.Reader.TryRead(out webhook);

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        await _received.Writer.WriteAsync(new ReceivedWebhook(
            body.ToArray(), request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        return Results.StatusCode(_statuses.TryDequeue(out var status) ? status : 200);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(byte[] RawBody, IReadOnlyDictionary<string, string> Headers)
{
    public string Body => System.Text.Encoding.UTF8.GetString(RawBody);
}
