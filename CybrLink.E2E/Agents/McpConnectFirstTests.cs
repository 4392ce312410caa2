using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.E2E.Connect;
using CybrLink.E2E.Infrastructure;
using Microsoft.Playwright;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CybrLink.E2E.Agents;

/// <summary>
/// "Connect first" inside an MCP conversation: the agent calls a tool for an end user who has not connected yet, its
/// client is sent the connect link (URL-mode elicitation), the end user consents in the browser, and the very same
/// tool call then returns the provider's data.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class McpConnectFirstTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_call_without_a_connection_sends_the_link_and_returns_data_once_the_end_user_connects()
    {
        var endUser = "mcp-newcomer-" + Guid.NewGuid().ToString("N")[..8];
        var (agentId, key) = await ArrangeAgentKeyAsync();
        var links = new List<string>();
        await using var client = await ConnectAsync(key, endUser, async (request, ct) =>
        {
            Assert.Equal("url", request?.Mode);
            links.Add(request!.Url!);

            // The end user follows the link: the Connect UI, the sandbox's consent in the popup, connected.
            var connect = new ConnectUiPage(await _context.NewPageAsync());
            await connect.OpenAsync(request.Url!);
            await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
            await connect.ExpectConnectedAsync();
            return new ElicitResult { Action = "accept" };
        });

        var result = await client.CallToolAsync("sandbox-mail__list_messages", new Dictionary<string, object?>())
            .AsTask().WaitAsync(Patience);

        var link = Assert.Single(links);
        Assert.StartsWith(fx.BaseUrl + "/connect?session=", link);
        Assert.True(result.IsError != true, Text(result));
        Assert.NotNull(result.StructuredContent);
        Assert.DoesNotContain("sbx_canary_", result.StructuredContent!.Value.GetRawText());

        // The connection the end user made is theirs, and the same session keeps working without asking again.
        var connections = await client.CallToolAsync("list_connections", new Dictionary<string, object?>());
        var listed = Assert.Single(connections.StructuredContent!.Value.GetProperty("connections").EnumerateArray());
        Assert.Equal("sandbox-mail", listed.GetProperty("integration").GetString());
        var again = await client.CallToolAsync("sandbox-mail__list_messages", new Dictionary<string, object?>());
        Assert.True(again.IsError != true, Text(again));
        Assert.Single(links);

        // One audit row per tools/call: the call that waited for the connection is recorded once, as allowed.
        var audit = await fx.Api.GetFromJsonAsync<JsonElement>($"/api/v1/agent-calls?agent_id={agentId}");
        Assert.Equal(
            ["list_connections allowed 200 mcp", "sandbox-mail__list_messages allowed 200 mcp", "sandbox-mail__list_messages allowed 200 mcp"],
            audit.GetProperty("data").EnumerateArray()
                .Select(r => $"{r.GetProperty("tool").GetString()} {r.GetProperty("decision").GetString()} {r.GetProperty("status").GetInt32()} {r.GetProperty("surface").GetString()}")
                .Order());
    }

    private async Task<(Guid AgentId, string Key)> ArrangeAgentKeyAsync()
    {
        (await fx.Api.PostAsync("/api/v1/integrations/refresh", null)).EnsureSuccessStatusCode();
        var agent = await PostAsync("/api/v1/agents", new { name = "mcp-connect-first" });
        var agentId = agent.GetProperty("id").GetGuid();
        using (var policy = await fx.Api.PutAsJsonAsync($"/api/v1/agents/{agentId}/policy", new
        {
            rules = new[]
            {
                new
                {
                    id = "read-mail", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" },
                    may_request_connection = true,
                },
            },
        }))
        {
            Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        }

        return (agentId, (await PostAsync($"/api/v1/agents/{agentId}/keys", new { })).GetProperty("key").GetString()!);
    }

    private async Task<McpClient> ConnectAsync(
        string key, string endUser, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>> onElicit)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(fx.BaseUrl + "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key, ["CybrLink-End-User"] = endUser },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Url = new UrlElicitationCapability() } },
            Handlers = new McpClientHandlers { ElicitationHandler = onElicit },
        });
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await fx.Api.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
