using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CybrLink.E2E.Sandbox;

/// <summary>
/// A page on its own origin (a second Kestrel) that runs the headless Nango flow with no SDK: WebSocket first,
/// popup opened synchronously in the click, results shown from both channels.
/// </summary>
public sealed class ConnectTestPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConnectTestPage(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ConnectTestPage> StartAsync(string sandboxBaseUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var html = Html.Replace("__SANDBOX__", sandboxBaseUrl, StringComparison.Ordinal);
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConnectTestPage(app, address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Connect test</title></head>
        <body>
        <main>
          <h1>Connect test</h1>
          <button type="button" id="connect" disabled>Connect Sandbox Mail</button>
          <p role="status" aria-label="WebSocket result" id="ws-result"></p>
          <p role="status" aria-label="Opener result" id="opener-result"></p>
        </main>
        <script>
          const sandbox = '__SANDBOX__';
          const token = new URLSearchParams(location.search).get('token');
          const button = document.getElementById('connect');
          let wsClientId = null;
          const socket = new WebSocket(sandbox.replace(/^http/, 'ws') + '/');
          socket.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.message_type === 'connection_ack') {
              wsClientId = message.ws_client_id;
              button.disabled = false;
              return;
            }
            document.getElementById('ws-result').textContent =
              [message.message_type, message.connection_id, message.error_type || ''].join('|');
          };
          window.addEventListener('message', (event) => {
            if (event.origin !== new URL(sandbox).origin || !event.data || !event.data.type) return;
            const errorType = event.data.payload ? event.data.payload.errorType : '';
            document.getElementById('opener-result').textContent = [event.data.type, errorType].join('|');
            event.source.postMessage({ type: 'nango_oauth_callback_ack' }, '*');
          });
          button.addEventListener('click', () => {
            window.open(sandbox + '/oauth/connect/sandbox-mail?connect_session_token=' + encodeURIComponent(token)
              + '&ws_client_id=' + encodeURIComponent(wsClientId), '_blank', 'width=500,height=600');
          });
        </script>
        </body>
        </html>
        """;
}
