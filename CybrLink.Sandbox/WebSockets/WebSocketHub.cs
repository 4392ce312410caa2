using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Infrastructure;

namespace CybrLink.Sandbox.WebSockets;

/// <summary>
/// Nango's WebSocket channel at the base path root: no auth, any origin. Each socket gets a <c>ws_client_id</c>;
/// an OAuth attempt carries it and gets exactly one <c>success</c> or <c>error</c> message, after which the id is
/// forgotten (the socket stays open, as in Nango).
/// </summary>
internal sealed class WebSocketHub
{
    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);

    public async Task AcceptAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var client = new Client(socket);
        var id = Guid.NewGuid().ToString();
        _clients[id] = client;
        // Stop reading on shutdown too, or an open browser tab would hold the host's shutdown for its full timeout.
        var stopping = context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await client.SendAsync(new WsAck("connection_ack", id), cts.Token);
            var buffer = new byte[1024];
            // Clients never need to talk; read only to notice the close.
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser went away without a close handshake; nothing to clean up beyond the registration below.
        }
        finally
        {
            _clients.TryRemove(KeyValuePair.Create(id, client));
        }
    }

    public Task NotifySuccessAsync(string? wsClientId, string providerConfigKey, string connectionId) =>
        NotifyAsync(wsClientId, new WsSuccess("success", providerConfigKey, connectionId, false));

    public Task NotifyErrorAsync(string? wsClientId, string providerConfigKey, string connectionId, string errorType, string description) =>
        NotifyAsync(wsClientId, new WsError("error", providerConfigKey, connectionId, errorType, description));

    private async Task NotifyAsync(string? wsClientId, object message)
    {
        // One message per attempt: the id is forgotten after it.
        if (wsClientId is null || !_clients.TryRemove(wsClientId, out var client))
            return;
        try
        {
            await client.SendAsync(message, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The socket closed between the attempt and its result; Nango loses the message the same way.
        }
    }

    private sealed class Client(WebSocket socket)
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public async Task SendAsync(object message, CancellationToken ct)
        {
            var bytes = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(message, message.GetType(), SandboxJson.Options));
            await _sendLock.WaitAsync(ct);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }

    private sealed record WsAck(
        [property: JsonPropertyName("message_type")] string MessageType,
        [property: JsonPropertyName("ws_client_id")] string WsClientId);

    private sealed record WsSuccess(
        [property: JsonPropertyName("message_type")] string MessageType,
        [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
        [property: JsonPropertyName("connection_id")] string ConnectionId,
        [property: JsonPropertyName("is_pending")] bool IsPending);

    private sealed record WsError(
        [property: JsonPropertyName("message_type")] string MessageType,
        [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
        [property: JsonPropertyName("connection_id")] string ConnectionId,
        [property: JsonPropertyName("error_type")] string ErrorType,
        [property: JsonPropertyName("error_desc")] string ErrorDesc);
}
