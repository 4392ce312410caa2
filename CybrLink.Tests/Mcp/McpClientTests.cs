using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Tests.AgentAccess;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CybrLink.Tests.Mcp;

/// <summary>The official C# MCP client against CybrLink on a real port, with the sandbox Nango behind it.</summary>
public class McpClientTests : AgentWorld
{
    private const string Canary = "sbx_canary_";
    private readonly RecordingHandler _wire = new();

    [Fact]
    public async Task Without_a_credential_mcp_answers_401_pointing_at_its_resource_metadata()
    {
        using var client = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        using var response = await client.PostAsync("/mcp", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var metadataUrl = $"{App.BaseUrl.TrimEnd('/')}/.well-known/oauth-protected-resource/mcp";
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", challenge);

        var metadata = await client.GetFromJsonAsync<JsonElement>(metadataUrl);
        Assert.Equal($"{App.BaseUrl.TrimEnd('/')}/mcp", metadata.GetProperty("resource").GetString());
        Assert.Equal(["header"], metadata.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, metadata.TryGetProperty("authorization_servers", out var servers) ? servers.GetArrayLength() : 0);
    }

    [Fact]
    public async Task A_key_naming_an_end_user_gets_exactly_the_permitted_tools_and_their_answers()
    {
        var (agent, key) = await ArrangeAsync();
        await using var client = await ConnectAsync(key, endUser: "u1");

        var tools = await client.ListToolsAsync();
        Assert.Equal(["list_connections", "sandbox-mail__list_messages", "sandbox-mail__send_message"], tools.Select(t => t.Name).Order());
        var list = tools.Single(t => t.Name == "sandbox-mail__list_messages").ProtocolTool;
        Assert.True(list.Annotations?.ReadOnlyHint);
        Assert.Contains("u1", list.Description);
        Assert.True(tools.Single(t => t.Name == "sandbox-mail__send_message").ProtocolTool.Annotations?.DestructiveHint);

        var permitted = await client.CallToolAsync("sandbox-mail__list_messages", new Dictionary<string, object?>());
        Assert.NotEqual(true, permitted.IsError);
        Assert.NotNull(permitted.StructuredContent);

        var denied = await client.CallToolAsync("sandbox-mail__send_message",
            new Dictionary<string, object?> { ["to"] = "eve@evil.example", ["subject"] = "s", ["body"] = "b" });
        Assert.True(denied.IsError);
        Assert.Contains("no-evil", Text(denied));

        var violated = await client.CallToolAsync("sandbox-mail__send_message",
            new Dictionary<string, object?> { ["to"] = "bob@other.example", ["subject"] = "s", ["body"] = "b" });
        Assert.True(violated.IsError);
        Assert.Contains("/to", Text(violated));

        var rows = await AgentCallRowsAsync(agent);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(AgentCall.McpSurface, r.Surface));
        // The test clock stands still, so the rows' time-ordered ids do not order them: compare as sets of pairs.
        Assert.Equal(
            ["sandbox-mail__list_messages allowed 200", "sandbox-mail__send_message denied 403", "sandbox-mail__send_message denied 403"],
            rows.Select(r => $"{r.Tool} {r.Decision} {r.Status}").Order());
        Assert.DoesNotContain(Canary, _wire.Text);
    }

    [Fact]
    public async Task A_token_session_lists_its_tools_and_learns_of_a_new_policy_without_a_restart()
    {
        var (agent, _) = await ArrangeAsync();
        var token = await MintTokenAsync(agent, "u1");
        await using var client = await ConnectAsync(token, endUser: null);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var _ = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changed.TrySetResult();
            return ValueTask.CompletedTask;
        });

        Assert.Equal(["list_connections", "sandbox-mail__list_messages", "sandbox-mail__send_message"],
            (await client.ListToolsAsync()).Select(t => t.Name).Order());

        await SetPolicyAsync(agent, new object[]
        {
            new { id = "mail-get", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "get_message" } },
            new
            {
                id = "mail-proxy", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } },
                proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/**" } } },
            },
        });
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["http_request", "list_connections", "sandbox-mail__get_message"], (await client.ListToolsAsync()).Select(t => t.Name).Order());
        Assert.DoesNotContain(Canary, _wire.Text);
    }

    [Fact]
    public async Task After_the_connection_is_revoked_the_next_call_is_a_connection_revoked_tool_error()
    {
        var (_, key) = await ArrangeAsync();
        await using var client = await ConnectAsync(key, endUser: "u1");
        var connections = await client.CallToolAsync("list_connections", new Dictionary<string, object?>());
        var id = connections.StructuredContent!.Value.GetProperty("connections")[0].GetProperty("id").GetGuid();

        (await Api.DeleteAsync($"/api/v1/connections/{id}")).EnsureSuccessStatusCode();
        var after = await client.CallToolAsync("sandbox-mail__list_messages", new Dictionary<string, object?>());

        Assert.True(after.IsError);
        Assert.StartsWith("connection_revoked", Text(after));
        Assert.DoesNotContain(Canary, _wire.Text);
    }

    [Fact]
    public async Task A_client_without_url_elicitation_gets_the_connect_link_in_a_tool_error()
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("mcp-connect-agent");
        await SetPolicyAsync(agent, new object[]
        {
            new
            {
                id = "mail-read", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" },
                may_request_connection = true,
            },
        });
        await using var client = await ConnectAsync((await CreateKeyAsync(agent)).Key, endUser: "newcomer");

        var result = await client.CallToolAsync("sandbox-mail__list_messages", new Dictionary<string, object?>());

        Assert.True(result.IsError);
        Assert.StartsWith("connection_required", Text(result));
        Assert.Contains("/connect?session=", Text(result));
    }

    private async Task<(Guid Agent, string Key)> ArrangeAsync()
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("mcp-agent");
        await SetPolicyAsync(agent, new object[]
        {
            new
            {
                id = "no-evil", effect = "deny", integration = "sandbox-mail", end_users = "*", actions = new[] { "send_message" },
                conditions = new[] { new { input = "/to", op = "glob", value = "*@evil.example" } },
            },
            new { id = "mail-read", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "list_messages" } },
            new
            {
                id = "mail-send-internal", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "send_message" },
                conditions = new[] { new { input = "/to", op = "glob", value = "*@acme.example" } },
            },
        });
        await AddConnectionAsync("u1");
        return (agent, (await CreateKeyAsync(agent)).Key);
    }

    private async Task<McpClient> ConnectAsync(string credential, string? endUser)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + credential };
        if (endUser is not null)
        {
            headers["CybrLink-End-User"] = endUser;
        }

        var http = new HttpClient(_wire);
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(new Uri(App.BaseUrl), "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        }, http, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }

    private async Task<List<AgentCall>> AgentCallRowsAsync(Guid agent)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<Core.Data.CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.AgentCalls.Where(c => c.AgentId == agent).OrderBy(c => c.Id).ToListAsync();
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Keeps every byte of every request and response body that crosses the client's transport.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Content is not null)
            {
                Append(await request.Content.ReadAsStringAsync(ct));
            }

            var response = await base.SendAsync(request, ct);
            var inner = await response.Content.ReadAsStreamAsync(ct);
            var content = new StreamContent(new TeeStream(inner, Append));
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = content;
            return response;
        }

        private void Append(string text)
        {
            lock (_text)
            {
                _text.Append(text);
            }
        }
    }

    private sealed class TeeStream(Stream inner, Action<string> seen) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            seen(Encoding.UTF8.GetString(buffer.Span[..n]));
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            seen(Encoding.UTF8.GetString(buffer, offset, n));
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
