using System.Net;
using System.Text.Json.Nodes;
using CybrLink.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Sandbox;

/// <summary>Nango's per-key rate limit (<c>DEFAULT_RATE_LIMIT_PER_MIN</c>), configured here at 3 calls a minute.</summary>
public sealed class RateLimitTests : SandboxHarness
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 8, 21, 10, 0, 0, TimeSpan.Zero));

    protected override Task<RunningSandbox> StartSandboxAsync() =>
        SandboxServer.StartAsync(new SandboxOptions { RateLimitPerMinute = 3 }, _time);

    private async Task<HttpResponseMessage> GetAsync(string path, string? bearer = null)
    {
        using var request = Request(HttpMethod.Get, Url(path), bearer: bearer ?? SecretKey);
        return await Http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Fact]
    public async Task Calls_over_the_limit_get_429_too_many_request_with_retry_after_until_the_minute_is_over()
    {
        for (var i = 1; i <= 3; i++)
        {
            using var ok = await GetAsync("/connections");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", Header(ok, "X-RateLimit-Limit"));
            Assert.Equal((3 - i).ToString(), Header(ok, "X-RateLimit-Remaining"));
            Assert.Equal("60", Header(ok, "X-RateLimit-Reset"));
        }

        _time.Advance(TimeSpan.FromSeconds(20));
        using var refused = await GetAsync("/integrations");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("40", Header(refused, "Retry-After"));
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("too_many_request", ErrorCode(body));
        Assert.Equal("GET", body["error"]!["method"]!.GetValue<string>());
        Assert.Equal("/integrations", body["error"]!["path"]!.GetValue<string>());

        _time.Advance(TimeSpan.FromSeconds(40));
        using var again = await GetAsync("/connections");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", Header(again, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task The_proxy_counts_against_the_same_key_and_is_refused_with_nangos_429()
    {
        var connection = await ConnectApiKeyAsync(await CreateNangoSessionAsync());
        await Sandbox.Control.SetRateLimitAsync(2);
        using var first = await GetAsync("/connections");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var allowed = await ProxyAsync(connection, HttpMethod.Get);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("0", Header(allowed, "X-RateLimit-Remaining"));

        _time.Advance(TimeSpan.FromSeconds(15));
        using var proxied = await ProxyAsync(connection, HttpMethod.Post);
        Assert.Equal(HttpStatusCode.TooManyRequests, proxied.StatusCode);
        Assert.Equal("45", Header(proxied, "Retry-After"));
        Assert.Equal("2", Header(proxied, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(proxied, "X-RateLimit-Remaining"));
        Assert.Equal("45", Header(proxied, "X-RateLimit-Reset"));
        // Nango's exact body: only the error object, no message, and the method and path that were refused.
        var body = JsonNode.Parse(await proxied.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"error":{"code":"too_many_request","method":"POST","path":"/proxy/v1/messages"}}""", body.ToJsonString());
    }

    private async Task<HttpResponseMessage> ProxyAsync(string connection, HttpMethod method)
    {
        using var request = Request(method, Url("/proxy/v1/messages"), bearer: SecretKey);
        request.Headers.Add("Connection-Id", connection);
        request.Headers.Add("Provider-Config-Key", "sandbox-crm");
        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_as_401_before_the_limit_and_does_not_spend_it()
    {
        for (var i = 0; i < 5; i++)
        {
            using var unknown = await GetAsync("/connections", bearer: Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal("", Header(unknown, "X-RateLimit-Limit"));
        }
        using var ok = await GetAsync("/connections");
        Assert.Equal("2", Header(ok, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Control_switch_changes_the_limit_at_run_time_and_reset_restores_the_setting()
    {
        await Sandbox.Control.SetRateLimitAsync(0);
        for (var i = 0; i < 5; i++)
        {
            using var unlimited = await GetAsync("/connections");
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
            Assert.Equal("", Header(unlimited, "X-RateLimit-Limit"));
        }

        await Sandbox.Control.SetRateLimitAsync(1);
        using (var first = await GetAsync("/connections"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await GetAsync("/connections"))
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);

        // The control API itself is never limited, so a test can always undo what it set.
        await Sandbox.Control.ResetAsync();
        using var restored = await GetAsync("/connections");
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("3", Header(restored, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Connect_session_token_calls_are_not_counted_against_the_secret_key()
    {
        await Sandbox.Control.SetRateLimitAsync(1);
        var token = await CreateNangoSessionAsync(); // spends the one call
        for (var i = 0; i < 3; i++)
        {
            using var browser = await GetAsync("/connect/session", bearer: token);
            Assert.Equal(HttpStatusCode.OK, browser.StatusCode);
        }
    }
}

public sealed class RateLimitOffByDefaultTests : SandboxHarness
{
    [Fact]
    public async Task No_limit_and_no_rate_limit_headers_by_default()
    {
        for (var i = 0; i < 30; i++)
        {
            using var request = Request(HttpMethod.Get, Url("/connections"), bearer: SecretKey);
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        }
    }
}
