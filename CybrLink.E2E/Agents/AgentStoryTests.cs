using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.E2E.Connect;
using CybrLink.E2E.Infrastructure;
using Microsoft.Playwright;

namespace CybrLink.E2E.Agents;

/// <summary>
/// The reason CybrLink exists, end to end: an end user connects in the browser, an agent acts on their mail without
/// ever holding a credential, the operator revokes, and the agent feels it on its very next call.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class AgentStoryTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Connect_act_revoke_and_the_next_call_is_refused()
    {
        // The operator's backend: an agent, a key, and a policy that lets it read this end user's mail.
        var agent = await PostAsync("/api/v1/agents", new { name = "mail-assistant" });
        var agentId = agent.GetProperty("id").GetGuid();
        var key = (await PostAsync($"/api/v1/agents/{agentId}/keys", new { })).GetProperty("key").GetString()!;
        using (var policy = await fx.Api.PutAsJsonAsync($"/api/v1/agents/{agentId}/policy", new
        {
            rules = new[] { new { id = "read-mail", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" } } },
        }))
        {
            policy.EnsureSuccessStatusCode();
        }

        // The end user connects Sandbox Mail in the Connect UI (OAuth popup, consent approved).
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);
        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await connect.ExpectConnectedAsync();
        var connectionId = (await fx.GetSessionAsync(session.Id)).GetProperty("connection_id").GetGuid();
        var nangoId = (await fx.NangoConnectionsForAsync(session.Id))[0].GetProperty("connection_id").GetString()!;

        // The agent runs a typed action and gets the provider's data; the credential stayed in Nango.
        using var agentApi = new HttpClient { BaseAddress = new Uri(fx.BaseUrl) };
        agentApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var first = await RunListMessagesAsync(agentApi, connectionId))
        {
            var body = await first.Content.ReadAsStringAsync();
            Assert.True(first.StatusCode == HttpStatusCode.OK, body);
            var json = JsonDocument.Parse(body).RootElement;
            Assert.Equal(200, json.GetProperty("upstream_status").GetInt32());
            Assert.NotEqual(JsonValueKind.Null, json.GetProperty("data").ValueKind);
            Assert.DoesNotContain("sbx_canary_", body);
        }

        // The operator revokes: blocked in CybrLink first, then deleted in Nango.
        using (var revoke = await fx.Api.DeleteAsync($"/api/v1/connections/{connectionId}"))
        {
            var result = await revoke.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(revoke.IsSuccessStatusCode, result.ToString());
            Assert.Equal("revoked", result.GetProperty("status").GetString());
            var steps = result.GetProperty("steps").EnumerateArray().ToDictionary(
                s => s.GetProperty("step").GetString()!, s => s.GetProperty("outcome").GetString());
            Assert.Equal("done", steps["blocked"]);
            Assert.Equal("done", steps["nango_delete"]);
        }

        // The very next call is refused, and Nango no longer has the connection.
        using (var next = await RunListMessagesAsync(agentApi, connectionId))
        {
            var problem = await next.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.Conflict, next.StatusCode);
            Assert.Equal("connection_revoked", problem.GetProperty("code").GetString());
        }

        Assert.DoesNotContain(
            (await fx.NangoConnectionsForAsync(session.Id)).EnumerateArray(),
            c => c.GetProperty("connection_id").GetString() == nangoId);
    }

    private static Task<HttpResponseMessage> RunListMessagesAsync(HttpClient agentApi, Guid connectionId) =>
        agentApi.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { connection_id = connectionId, input = new { } });

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await fx.Api.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }
}
