using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.NangoSync;

/// <summary><c>POST /api/v1/webhooks/nango</c> with webhooks signed the way Nango signs them.</summary>
public class NangoWebhookReceiverTests : SandboxedApp
{
    private async Task<HttpResponseMessage> PostAsync(string body, string? signature = null)
    {
        using var client = App.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        content.Headers.Add(NangoWebhookSignature.HeaderName, signature ?? NangoWebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Sandbox.Options.WebhookSigningKey));
        return await client.PostAsync("/api/v1/webhooks/nango", content);
    }

    private async Task<string> SessionIdAsync() =>
        (await CreateConnectSessionAsync(new { end_user = new { id = "u-9" }, integration = "sandbox-crm" })).GetProperty("id").GetString()!;

    /// <summary>A connection the end user made at Nango; the browser never reported it.</summary>
    private Task<(string SessionId, string Token, string NangoId)> ConnectedInNangoAsync() =>
        ConnectInNangoOnlyAsync(new { end_user = new { id = "u-9" }, integration = "sandbox-crm", connection_config = new { subdomain = "acme" } }, "k-9");

    private static string Creation(string connectionId, string sessionId, string operation = "creation", bool success = true) =>
        $$"""{"authMode":"API_KEY","connectionId":"{{connectionId}}","environment":"dev","from":"nango","operation":"{{operation}}","provider":"sandbox-crm","providerConfigKey":"sandbox-crm","success":{{(success ? "true" : "false")}},"tags":{"cybrlink_session_id":"{{sessionId}}","end_user_id":"u-9"},"type":"auth"}""";

    private async Task<int> ConnectionCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CybrLinkDbContext>().Connections.CountAsync();
    }

    [Fact]
    public async Task A_signed_creation_completes_the_session_and_a_replay_changes_nothing()
    {
        var (sessionId, _, nangoId) = await ConnectedInNangoAsync();
        var body = Creation(nangoId, sessionId);

        using var first = await PostAsync(body);
        using var replay = await PostAsync(body);

        Assert.Equal("processed", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, await ConnectionCountAsync());
        var session = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{sessionId}");
        Assert.Equal("completed", session.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tampered_body_or_signature_is_401_and_changes_nothing()
    {
        var sessionId = await SessionIdAsync();
        var body = Creation("nango-conn-1", sessionId);
        var signature = NangoWebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Sandbox.Options.WebhookSigningKey);

        using var tamperedBody = await PostAsync(body.Replace("nango-conn-1", "nango-conn-2"), signature);
        using var wrongKey = await PostAsync(body, NangoWebhookSignature.Compute(Encoding.UTF8.GetBytes(body), "not-the-key"));
        using var unsigned = await PostAsync(body, "");

        foreach (var response in new[] { tamperedBody, wrongKey, unsigned })
        {
            await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_signature");
        }

        Assert.Equal(0, await ConnectionCountAsync());
    }

    [Fact]
    public async Task A_signed_body_that_is_not_json_is_400()
    {
        using var response = await PostAsync("this is not json");

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_webhook");
    }

    [Theory]
    [InlineData("""{"from":"nango","type":"sync","connectionId":"c","providerConfigKey":"k","syncName":"issues"}""")]
    [InlineData("""{"from":"nango","type":"forward","payload":{}}""")]
    [InlineData("""{"from":"nango","type":"auth","operation":"creation","success":true,"connectionId":"c","providerConfigKey":"sandbox-crm"}""")]
    public async Task Unknown_types_and_foreign_connections_are_200_and_ignored(string body)
    {
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(0, await ConnectionCountAsync());
    }

    [Fact]
    public async Task A_signed_webhook_for_a_connection_nango_does_not_have_changes_nothing()
    {
        var sessionId = await SessionIdAsync();

        // Validly signed (a replay, or a webhook Nango sent before it deleted the connection), but not true now.
        using var response = await PostAsync(Creation("never-made-in-nango", sessionId));

        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(0, await ConnectionCountAsync());
        var session = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{sessionId}");
        Assert.Equal("pending", session.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_replayed_creation_never_revives_a_revoked_connection()
    {
        var (sessionId, _, nangoId) = await ConnectedInNangoAsync();
        var body = Creation(nangoId, sessionId);
        using (await PostAsync(body))
        {
        }

        await DeleteInNangoAsync(nangoId, "sandbox-crm");
        await App.Services.GetRequiredService<NangoSyncJob>().RunOnceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        using var replay = await PostAsync(body);
        using var asOverride = await PostAsync(Creation(nangoId, sessionId, operation: "override"));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var connection = Assert.Single((await Api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-9")).EnumerateArray());
        Assert.Equal("revoked", connection.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_refresh_failure_marks_the_connection_error_once_nango_lists_the_error()
    {
        var sessionId = (await CreateConnectSessionAsync(new { end_user = new { id = "u-9" }, integration = "sandbox-mail" })).GetProperty("id").GetString()!;
        var tags = new Dictionary<string, string> { ["cybrlink_session_id"] = sessionId, ["end_user_id"] = "u-9" };
        await ImportOAuthIntoNangoAsync("sandbox-mail", "mail-9", tags);
        using (await PostAsync(Creation("mail-9", sessionId).Replace("sandbox-crm", "sandbox-mail")))
        {
        }

        const string refreshFailed = """{"authMode":"OAUTH2","connectionId":"mail-9","environment":"dev","error":{"description":"invalid_grant: sbx_canary_must_not_be_stored","type":"refresh_token_external_error"},"from":"nango","operation":"refresh","provider":"sandbox-mail","providerConfigKey":"sandbox-mail","success":false,"type":"auth"}""";
        // Nango's own list shows no error for this connection yet: the webhook alone is not believed.
        using var unconfirmed = await PostAsync(refreshFailed);
        Assert.Equal("ignored", (await unconfirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await BreakRefreshInNangoAsync("sandbox-mail", "mail-9");
        using var response = await PostAsync(refreshFailed);

        Assert.Equal("processed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var connections = await Api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-9");
        var connection = Assert.Single(connections.EnumerateArray());
        Assert.Equal("error", connection.GetProperty("status").GetString());
        Assert.DoesNotContain("sbx_canary_", connection.GetProperty("error").GetString());
    }
}

/// <summary>The sandbox delivers its own webhooks to CybrLink over HTTP: the browser never reports back.</summary>
public class WebhookDeliveryTests : SandboxedApp
{
    protected override bool DeliverWebhooks => true;

    [Fact]
    public async Task A_connection_made_after_the_tab_closed_arrives_through_the_webhook()
    {
        var session = await CreateConnectSessionAsync(new { end_user = new { id = "u-5" }, integration = "sandbox-crm", connection_config = new { subdomain = "acme" } });
        var token = session.GetProperty("token").GetString()!;
        var id = session.GetProperty("id").GetString()!;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var attempts = scope.ServiceProvider.GetRequiredService<Core.ConnectSessions.ConnectAttempts>();
            var start = await attempts.StartAsync(token, new Dictionary<string, string>());
            // The browser posts the key to Nango, then the tab is closed: CybrLink never hears from it.
            await PostApiKeyToNangoAsync(start.NangoSessionToken, "sandbox-crm", "typed-then-closed", start.Params);
        }

        var deliveries = await WaitForAsync(async () =>
        {
            var list = await Sandbox.Control.GetWebhookDeliveriesAsync();
            return list.Any(d => d.Status == 200) ? list : null;
        });
        Assert.Contains(deliveries, d => d.Url.EndsWith("/api/v1/webhooks/nango") && d.Status == 200);

        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
    }

    // Waits on a condition with a deadline (the delivery is asynchronous, as in Nango).
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            if (await probe() is { } result)
            {
                return result;
            }
        }

        throw new TimeoutException();
    }
}
