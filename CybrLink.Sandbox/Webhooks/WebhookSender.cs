using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;
using Microsoft.Extensions.Logging;

namespace CybrLink.Sandbox.Webhooks;

/// <summary>
/// Delivers <c>auth</c> webhooks like Nango: fire-and-forget from memory, signed twice, 3 attempts only on network
/// errors and 5xx (never on 3xx/4xx). Unlike stock Nango it accepts loopback URLs, which is what tests need.
/// </summary>
internal sealed partial class WebhookSender(
    IOptions<SandboxOptions> options, SandboxHttp http, TimeProvider time, FaultState faults, ILogger<WebhookSender> logger)
{
    public const string UserAgent = "nango/0.71.4 (sandbox)";
    private const int MaxAttempts = 3;

    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();

    /// <summary>Every attempt made so far, for tests that assert retries.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries => [.. _deliveries];

    /// <summary>
    /// Sends an <c>auth</c> webhook. Nango puts <c>endUser</c> in it only for connections made through a connect
    /// session (<paramref name="fromConnectSession"/>), not for imports nor refresh failures.
    /// </summary>
    public void Send(Connection connection, string operation, string authMode, WebhookError? error = null, bool fromConnectSession = false)
    {
        var body = new AuthWebhook(
            operation, error is null, connection.ConnectionId, connection.ProviderConfigKey, authMode, connection.Provider,
            connection.Tags.Count > 0 ? connection.Tags : null,
            fromConnectSession && connection.EndUser is { } user
                ? new WebhookEndUser(user.Id, user.Email, user.Organization?.Id, user.Tags ?? new Dictionary<string, string>())
                : null,
            error);
        // Note: a connection's webhook_url_override replaces the environment URL, as in Nango.
        var url = string.IsNullOrEmpty(connection.WebhookUrlOverride) ? options.Value.WebhookUrl : connection.WebhookUrlOverride;
        if (string.IsNullOrEmpty(url))
            return;
        _ = Task.Run(() => DeliverAsync(url, SandboxJson.SerializeSorted(body)));
    }

    private async Task DeliverAsync(string url, string body)
    {
        // A test may hold webhooks to order them after what the browser does; reset or release lets them go.
        await faults.WebhooksReleased;
        var key = options.Value.WebhookSigningKey;
        var bytes = Encoding.UTF8.GetBytes(body);
        var hmac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), bytes));
        var legacy = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + body)));

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.Add("X-Nango-Hmac-Sha256", hmac);
            request.Headers.Add("X-Nango-Signature", legacy);
            using var timeout = new CancellationTokenSource(options.Value.WebhookTimeout, time);
            int? status = null;
            string? failure = null;
            try
            {
                using var response = await http.Client.SendAsync(request, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                failure = e.Message;
            }
            _deliveries.Enqueue(new WebhookDelivery(url, body, attempt, status, failure, time.GetUtcNow()));

            var retry = status is null or >= 500;
            if (!retry)
                return;
            if (attempt == MaxAttempts)
            {
                LogGaveUp(logger, url, attempt);
                return;
            }
            await Task.Delay(options.Value.WebhookRetryDelay * Math.Pow(2, attempt - 1), time);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox webhook to {Url} failed after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string url, int attempts);
}
