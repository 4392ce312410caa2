using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CybrLink.Sandbox;

/// <summary>
/// Typed client for the sandbox's test controls. Works against any sandbox: pass its base URL (standalone root or
/// <c>https://site/sandbox/nango</c>) and its secret key.
/// </summary>
public sealed class SandboxControlClient(HttpClient http, string baseUrl, string secretKey)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The next <paramref name="count"/> upstream calls (null = all, until reset) answer <paramref name="status"/>, with
    /// <paramref name="headers"/> added to the answer when given (e.g. a <c>Set-Cookie</c>).
    /// </summary>
    public Task FailUpstreamAsync(int status, int? count = 1, IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/upstream", new { status, count, headers }, ct);

    /// <summary>The next <paramref name="count"/> upstream calls (null = all, until reset) wait <paramref name="delay"/> first.</summary>
    public Task DelayUpstreamAsync(TimeSpan delay, int? count = 1, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/upstream", new { delay_ms = (int)delay.TotalMilliseconds, count }, ct);

    /// <summary>The mock provider refuses the next <paramref name="count"/> refresh grants (null = until reset).</summary>
    public Task FailRefreshAsync(int? count = null, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/refresh", new { count }, ct);

    /// <summary>The Nango API answers 500 <c>generic_error_support</c> (null count = until reset).</summary>
    public Task FailApiAsync(int? count = null, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/api", new { mode = "error", count }, ct);

    /// <summary>The Nango API does not answer until <see cref="ResetAsync"/> (or the caller gives up).</summary>
    public Task HangApiAsync(int? count = null, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/api", new { mode = "hang", count }, ct);

    /// <summary>Expires a connection's access token now, so the next proxy call refreshes it.</summary>
    public Task ExpireAccessTokenAsync(string providerConfigKey, string connectionId, CancellationToken ct = default) =>
        PostAsync($"/_sandbox/connections/{Uri.EscapeDataString(connectionId)}/expire?provider_config_key={Uri.EscapeDataString(providerConfigKey)}", new { }, ct);

    /// <summary>
    /// Until reset, the mock provider's consent page sends <c>Cross-Origin-Opener-Policy: same-origin</c> when
    /// <paramref name="crossOriginOpenerPolicy"/> (the opener then sees <c>popup.closed</c> = true), and approves by
    /// itself <paramref name="approveAfter"/> after it loaded when given (null = a person clicks).
    /// </summary>
    public Task SetConsentAsync(bool crossOriginOpenerPolicy, TimeSpan? approveAfter = null, CancellationToken ct = default) =>
        PostAsync("/_sandbox/faults/consent", new
        {
            cross_origin_opener_policy = crossOriginOpenerPolicy,
            approve_after_ms = approveAfter is { } after ? (int?)after.TotalMilliseconds : null,
        }, ct);

    /// <summary>Webhooks are not sent until <see cref="ReleaseWebhooksAsync"/> or <see cref="ResetAsync"/>.</summary>
    public Task HoldWebhooksAsync(CancellationToken ct = default) => PostAsync("/_sandbox/faults/webhooks", new { hold = true }, ct);

    /// <summary>Sends the held webhooks (each as it would have been) and stops holding new ones.</summary>
    public Task ReleaseWebhooksAsync(CancellationToken ct = default) => PostAsync("/_sandbox/faults/webhooks", new { hold = false }, ct);

    /// <summary>Until reset, every provider logo answers 404 (a broken logo in the Connect UI).</summary>
    public Task BreakLogosAsync(CancellationToken ct = default) => PostAsync("/_sandbox/faults/logos", new { missing = true }, ct);

    /// <summary>
    /// Nango's per-key rate limit from now on: <paramref name="perMinute"/> secret-key calls a minute (0 = off), on a
    /// fresh window. <see cref="ResetAsync"/> restores the configured <c>Sandbox:RateLimitPerMinute</c>.
    /// </summary>
    public Task SetRateLimitAsync(int perMinute, CancellationToken ct = default) =>
        PostAsync("/_sandbox/rate-limit", new { per_minute = perMinute }, ct);

    /// <summary>Clears every fault, restores the configured rate limit and releases hanging calls. Data (integrations, connections) stays.</summary>
    public Task ResetAsync(CancellationToken ct = default) => PostAsync("/_sandbox/reset", new { }, ct);

    /// <summary>Every webhook attempt made so far, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> GetWebhookDeliveriesAsync(CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Get, "/_sandbox/webhooks");
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<DeliveryPage>(Json, ct);
        return page?.Data ?? [];
    }

    private async Task PostAsync(string path, object body, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, path);
        request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, baseUrl.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        return request;
    }

    private sealed record DeliveryPage(IReadOnlyList<WebhookDelivery> Data);
}
