using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CybrLink.Sandbox;

namespace CybrLink.Tests.Sandbox;

public sealed class WebhookTests : SandboxHarness
{
    private WebhookListener _listener = null!;

    public override async Task InitializeAsync()
    {
        _listener = await WebhookListener.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _listener.DisposeAsync();
    }

    protected override Task<RunningSandbox> StartSandboxAsync() => SandboxServer.StartAsync(new SandboxOptions
    {
        WebhookUrl = _listener.Url,
        WebhookSigningKey = "3f2b8c1e-5d4a-4c2b-9e1f-0a1b2c3d4e5f",
        WebhookRetryDelay = TimeSpan.FromMilliseconds(20),
    });

    private Task ImportAsync(string id) => CallAsync(HttpMethod.Post, "/connections", new
    {
        provider_config_key = "sandbox-crm",
        connection_id = id,
        credentials = new { type = "API_KEY", apiKey = "k" },
        end_user = new { id = "u1", email = "u1@example.com" },
    });

    [Fact]
    public async Task Auth_webhook_is_signed_sorted_and_carries_the_contract_fields()
    {
        await ImportAsync("c1");
        var hook = await _listener.NextAsync(Patience);

        var key = Sandbox.Options.WebhookSigningKey;
        var hmac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), hook.RawBody));
        var legacy = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + hook.Body)));
        Assert.Equal(hmac, hook.Headers["X-Nango-Hmac-Sha256"]);
        Assert.Equal(legacy, hook.Headers["X-Nango-Signature"]);
        Assert.Equal("application/json", hook.Headers["Content-Type"]);
        Assert.Equal("nango/0.71.4 (sandbox)", hook.Headers["User-Agent"]);

        var body = JsonNode.Parse(hook.Body)!.AsObject();
        var keys = body.Select(p => p.Key).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.DoesNotContain(" ", hook.Body);
        Assert.Equal("auth", body["type"]!.GetValue<string>());
        Assert.Equal("nango", body["from"]!.GetValue<string>());
        Assert.Equal("creation", body["operation"]!.GetValue<string>());
        Assert.True(body["success"]!.GetValue<bool>());
        Assert.Equal("c1", body["connectionId"]!.GetValue<string>());
        Assert.Equal("sandbox-crm", body["providerConfigKey"]!.GetValue<string>());
        Assert.Equal("API_KEY", body["authMode"]!.GetValue<string>());
        Assert.Equal("dev", body["environment"]!.GetValue<string>());
        Assert.Equal("u1", body["tags"]!["end_user_id"]!.GetValue<string>());
        // An import is not a connect session: Nango sends no endUser, even when the import named one.
        Assert.Null(body["endUser"]);
    }

    [Fact]
    public async Task Held_webhooks_wait_for_the_release_and_are_then_delivered()
    {
        await Sandbox.Control.HoldWebhooksAsync();
        await ImportAsync("held");
        Assert.Empty(await Sandbox.Control.GetWebhookDeliveriesAsync());

        await Sandbox.Control.ReleaseWebhooksAsync();
        Assert.Contains("\"held\"", (await _listener.NextAsync(Patience)).Body);
    }

    [Fact]
    public async Task A_connection_made_through_a_connect_session_carries_the_end_user()
    {
        await ConnectApiKeyAsync(await CreateNangoSessionAsync("u7"));
        var body = JsonNode.Parse((await _listener.NextAsync(Patience)).Body)!;
        Assert.Equal("creation", body["operation"]!.GetValue<string>());
        Assert.Equal("u7", body["endUser"]!["endUserId"]!.GetValue<string>());
        Assert.Equal("u7@example.com", body["endUser"]!["endUserEmail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_errors_are_retried_up_to_three_attempts_and_client_errors_never()
    {
        _listener.Respond(400);
        await ImportAsync("refused");
        var refused = await _listener.NextAsync(Patience);
        Assert.Contains("\"refused\"", refused.Body);

        _listener.Respond(500, 503);
        await ImportAsync("flaky");
        for (var attempt = 1; attempt <= 3; attempt++)
            Assert.Contains("\"flaky\"", (await _listener.NextAsync(Patience)).Body);

        // The 400 attempt would have been retried before the flaky one's third attempt; nothing else arrived.
        Assert.False(_listener.TryTake(out _));
        var deliveries = await Sandbox.Control.GetWebhookDeliveriesAsync();
        Assert.Single(deliveries, d => d.Body.Contains("\"refused\""));
        Assert.Equal([500, 503, 200], deliveries.Where(d => d.Body.Contains("\"flaky\"")).Select(d => d.Status ?? 0));
    }

    [Fact]
    public async Task Reconnect_sends_override_and_refresh_failure_sends_an_error()
    {
        await ImportAsync("c1");
        await _listener.NextAsync(Patience);
        var (_, session) = await CallAsync(HttpMethod.Post, "/connect/sessions/reconnect", new { connection_id = "c1", integration_id = "sandbox-crm" });
        await ConnectApiKeyAsync(session!["data"]!["token"]!.GetValue<string>());
        var overrideHook = JsonNode.Parse((await _listener.NextAsync(Patience)).Body)!;
        Assert.Equal("override", overrideHook["operation"]!.GetValue<string>());
        Assert.Equal("c1", overrideHook["connectionId"]!.GetValue<string>());

        var id = await ConnectOAuthAsync(await CreateNangoSessionAsync());
        await _listener.NextAsync(Patience);
        await Sandbox.Control.FailRefreshAsync();
        await Sandbox.Control.ExpireAccessTokenAsync("sandbox-mail", id);
        using var proxy = Request(HttpMethod.Get, Url("/proxy/x"), bearer: SecretKey);
        proxy.Headers.Add("Connection-Id", id);
        proxy.Headers.Add("Provider-Config-Key", "sandbox-mail");
        await SendAsync(proxy);

        var refresh = JsonNode.Parse((await _listener.NextAsync(Patience)).Body)!;
        Assert.Equal("refresh", refresh["operation"]!.GetValue<string>());
        Assert.False(refresh["success"]!.GetValue<bool>());
        Assert.NotNull(refresh["error"]!["type"]);
        Assert.Null(refresh["endUser"]);
    }
}
