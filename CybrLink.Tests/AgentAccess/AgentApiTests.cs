using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.AgentAccess;

/// <summary>
/// The agent API's edges as an agent meets them (issue 9 §4–§6): listings, action answers and refusals, connect links,
/// Nango's failures and limits, the proxy's header and body handling, revocation on the next request, the audit rows.
/// </summary>
public class AgentApiTests : AgentWorld
{
    protected const int MaxBody = 65536;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Agent:MaxBodyBytes"] = MaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Nango:ProxyTimeoutSeconds"] = "2",
    };

    private static readonly object MailRead = new { id = "mail-read", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" } };

    private static readonly object MailProxy = new
    {
        id = "mail-proxy", integration = "sandbox-mail", end_users = "*",
        proxy = new[] { new { methods = new[] { "GET", "POST" }, paths = new[] { "/messages/**" } } },
    };

    [Fact]
    public async Task Connections_list_only_what_the_policy_and_the_credential_cover()
    {
        var (agent, key) = await StartAsync(
            new { id = "mail-u1", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "list_messages" } },
            new
            {
                id = "helpdesk-all", integration = "sandbox-helpdesk", end_users = "*",
                proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/tickets/**" } } },
            });
        var mailU1 = await AddConnectionAsync("u1", inNango: false);
        var helpdeskU1 = await AddConnectionAsync("u1", "sandbox-helpdesk", inNango: false);
        await AddConnectionAsync("u2", inNango: false);
        var helpdeskU2 = await AddConnectionAsync("u2", "sandbox-helpdesk", inNango: false);
        await AddConnectionAsync("u1", status: ConnectionStatus.Revoked, inNango: false);

        using var byKey = AgentClient(key);
        Assert.Equal(Ids(mailU1, helpdeskU1, helpdeskU2), await ListedAsync(byKey, ""));
        Assert.Equal(Ids(helpdeskU2), await ListedAsync(byKey, "?end_user_id=u2"));
        Assert.Equal(Ids(mailU1), await ListedAsync(byKey, "?integration=sandbox-mail"));

        using var byToken = AgentClient(await MintTokenAsync(agent, "u1"));
        Assert.Equal(Ids(mailU1, helpdeskU1), await ListedAsync(byToken, ""));
        Assert.Empty(await ListedAsync(byToken, "?end_user_id=u2"));

        using var byMailToken = AgentClient((await MintTokenWithIdAsync(agent, "u1", integrations: ["sandbox-mail"])).Token);
        Assert.Equal(Ids(mailU1), await ListedAsync(byMailToken, ""));

        using var unknown = await byKey.GetAsync("/api/v1/agent/connections?colour=red");
        await AssertProblemAsync(unknown, 422, "colour");
    }

    [Fact]
    public async Task Actions_list_the_permitted_actions_with_their_input_schemas()
    {
        var (_, key) = await StartAsync(MailRead);
        using var client = AgentClient(key);

        var actions = await ReadJsonAsync(await client.GetAsync("/api/v1/agent/actions?integration=sandbox-mail"));
        var only = Assert.Single(actions.EnumerateArray());
        Assert.Equal("sandbox-mail", only.GetProperty("integration").GetString());
        Assert.Equal("list_messages", only.GetProperty("action").GetString());
        Assert.Equal("GET", only.GetProperty("method").GetString());
        Assert.Equal("object", only.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.True(only.GetProperty("input_schema").GetProperty("properties").TryGetProperty("folder", out _));

        // Deny by default: nothing of an integration no rule names.
        Assert.Empty((await ReadJsonAsync(await client.GetAsync("/api/v1/agent/actions?integration=sandbox-helpdesk"))).EnumerateArray());

        using var unknown = await client.GetAsync("/api/v1/agent/actions?integration=sandbox-mail&verbose=1");
        await AssertProblemAsync(unknown, 422, "verbose");
    }

    [Fact]
    public async Task An_action_answers_data_upstream_status_and_the_request_id_of_its_header()
    {
        var (_, key) = await StartAsync(MailRead);
        await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        using var response = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages",
            new { end_user_id = "u1", input = new { folder = "inbox", limit = 5 } });
        var json = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, json.GetProperty("upstream_status").GetInt32());
        Assert.Equal("/v1/messages", json.GetProperty("data").GetProperty("path").GetString());
        Assert.Equal("inbox", json.GetProperty("data").GetProperty("query").GetProperty("folder").GetString());
        var requestId = json.GetProperty("request_id").GetString();
        Assert.StartsWith("req_", requestId);
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("CybrLink-Request-Id")));
    }

    [Fact]
    public async Task Bad_action_calls_are_refused_with_what_is_wrong()
    {
        var (_, key) = await StartAsync(MailRead);
        await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        using var invalid = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages",
            new { end_user_id = "u1", input = new { folder = "spam" } });
        var problem = await AssertProblemAsync(invalid, 422, "invalid_input");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("pointer").GetString() == "/folder");

        using var unknownAction = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/burn_mailbox",
            new { end_user_id = "u1", input = new { } });
        await AssertProblemAsync(unknownAction, 404, "action_not_found");

        using var unknownField = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages",
            new { end_user_id = "u1", input = new { }, surprise = true });
        await AssertProblemAsync(unknownField, 422, "surprise");
    }

    [Fact]
    public async Task Without_a_connection_the_agent_gets_a_connect_link_for_exactly_that_end_user_when_the_rule_allows_it()
    {
        var (agent, key) = await StartAsync(new
        {
            id = "mail-ask", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" }, may_request_connection = true,
        });
        using var client = AgentClient(key);

        using var response = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { end_user_id = "u-new", input = new { } });
        var problem = await AssertProblemAsync(response, 409, "connection_required");
        var connectUrl = new Uri(problem.GetProperty("connect_url").GetString()!);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var opened = await browser.GetAsync(connectUrl);
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        Assert.StartsWith("/connect", opened.Headers.Location!.OriginalString.Replace(App.BaseUrl.TrimEnd('/'), "", StringComparison.Ordinal));

        var token = System.Web.HttpUtility.ParseQueryString(connectUrl.Query)["session"]!;
        await using (var db = await DbAsync())
        {
            var session = await db.ConnectSessions.AsNoTracking().SingleAsync(s => s.TokenHash == SecretTokens.Hash(token));
            Assert.Equal("u-new", session.EndUserId);
            Assert.Equal("sandbox-mail", session.IntegrationKey);
        }

        await SetPolicyAsync(agent, new[] { MailRead });
        using var denied = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { end_user_id = "u-new", input = new { } });
        var refusal = await AssertProblemAsync(denied, 403, "denied");
        Assert.False(refusal.TryGetProperty("connect_url", out _));
    }

    [Fact]
    public async Task A_failed_refresh_at_Nango_and_its_back_off_ask_for_a_reconnect()
    {
        var (_, key) = await StartAsync(MailRead);
        var connection = await AddConnectionAsync("u1");
        // The refresh-error webhook would mark the connection Error (409); held, Nango's own answers are what is tested.
        await Sandbox.Control.HoldWebhooksAsync();
        await Sandbox.Control.ExpireAccessTokenAsync("sandbox-mail", await NangoIdOfAsync(connection));
        await Sandbox.Control.FailRefreshAsync();
        using var client = AgentClient(key);

        foreach (var attempt in new[] { "refresh failed", "back-off" })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { connection_id = connection, input = new { } });
            var problem = await AssertProblemAsync(response, 424, "reconnect_required");
            Assert.True(problem.TryGetProperty("connect_url", out var url), attempt);
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            using var opened = await browser.GetAsync(url.GetString());
            Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        }
    }

    [Fact]
    public async Task A_rule_rate_limit_refuses_the_third_call_in_a_minute_with_Retry_After()
    {
        var (_, key) = await StartAsync(new
        {
            id = "mail-slow", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" }, rate = new { per_minute = 2 },
        });
        await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        var statuses = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            using var ok = await ListMessagesAsync(client, "u1");
            statuses.Add((int)ok.StatusCode);
        }

        Assert.Equal([200, 200], statuses);
        using var third = await ListMessagesAsync(client, "u1");
        var problem = await AssertProblemAsync(third, 429, "rate_limited");
        Assert.Equal("mail-slow", problem.GetProperty("rule_id").GetString());
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, third.Headers.ToString());
    }

    [Fact]
    public async Task Nangos_own_rate_limit_reaches_the_agent_as_429_with_Nangos_Retry_After()
    {
        var (_, key) = await StartAsync(MailRead, MailProxy);
        // Note: the import's webhook would make CybrLink read Nango's list with the same key, racing this test's one call.
        await Sandbox.Control.HoldWebhooksAsync();
        var connection = await AddConnectionAsync("u1");
        await Sandbox.Control.SetRateLimitAsync(1);
        using var client = AgentClient(key);

        using var first = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var overProxy = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");
        await AssertProblemAsync(overProxy, 429, "nango_rate_limited");
        using var overAction = await ListMessagesAsync(client, "u1");
        await AssertProblemAsync(overAction, 429, "nango_rate_limited");
        foreach (var response in new[] { overProxy, overAction })
        {
            // Nango's Retry-After is the seconds left in its one-minute window.
            var wait = response.Headers.RetryAfter?.Delta;
            Assert.True(wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), response.Headers.ToString());
        }
    }

    [Fact]
    public async Task Nango_down_is_503_and_a_provider_slower_than_the_proxy_timeout_is_504()
    {
        var (_, key) = await StartAsync(MailRead, MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        await Sandbox.Control.DelayUpstreamAsync(TimeSpan.FromSeconds(30));
        using var slow = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");
        await AssertProblemAsync(slow, 504, "upstream_timeout");

        await Sandbox.StopAsync();
        using var viaProxy = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");
        await AssertProblemAsync(viaProxy, 503, "nango_unavailable");
        using var viaAction = await ListMessagesAsync(client, "u1");
        await AssertProblemAsync(viaAction, 503, "nango_unavailable");
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    public async Task A_provider_error_comes_back_with_its_status_and_body_marked_as_the_providers(int status)
    {
        var (_, key) = await StartAsync(MailRead, MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        await Sandbox.Control.FailUpstreamAsync(status, count: 2);
        using var viaProxy = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/m-404");
        using var viaAction = await ListMessagesAsync(client, "u1");
        foreach (var response in new[] { viaProxy, viaAction })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Assert.Single(response.Headers.GetValues("CybrLink-Upstream-Status")));
            var body = await ReadJsonAsync(response);
            Assert.Equal("sandbox_fault", body.GetProperty("error").GetString());
            Assert.Equal(status, body.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task The_proxy_forwards_headers_query_and_bodies_but_never_the_agents_credential()
    {
        var (_, key) = await StartAsync(MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/agent/proxy/{connection}/messages/inbox?folder=inbox&limit=5");
        get.Headers.Add("X-Custom", "hello");
        using var got = await client.SendAsync(get);
        var text = await got.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var echo = JsonDocument.Parse(text).RootElement;
        Assert.Equal("/messages/inbox", echo.GetProperty("path").GetString());
        Assert.Equal("inbox", echo.GetProperty("query").GetProperty("folder").GetString());
        Assert.Equal("5", echo.GetProperty("query").GetProperty("limit").GetString());
        Assert.Equal("hello", echo.GetProperty("headers").GetProperty("x-custom").GetString());
        // Only the credential Nango injected arrived, and only as its fingerprint; the agent's key went nowhere.
        Assert.Equal(Fingerprint("Bearer sbx_canary_a"), echo.GetProperty("headers").GetProperty("authorization").GetString());
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain("sbx_canary_", text);

        var bodies = new (HttpContent Content, string Expected, string Type)[]
        {
            (new StringContent("{\"subject\":\"hi\"}", Encoding.UTF8, "application/json"), "{\"subject\":\"hi\"}", "application/json"),
            (new StringContent("plain words", Encoding.UTF8, "text/plain"), "plain words", "text/plain"),
            (new ByteArrayContent("raw-bytes"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
                "raw-bytes", "application/octet-stream"),
        };
        foreach (var (content, expected, type) in bodies)
        {
            using (content)
            using (var posted = await client.PostAsync($"/api/v1/agent/proxy/{connection}/messages/outbox", content))
            {
                var postedEcho = await ReadJsonAsync(posted);
                Assert.True(posted.StatusCode == HttpStatusCode.OK, $"{type}: {(int)posted.StatusCode} {postedEcho}");
                Assert.Equal("POST", postedEcho.GetProperty("method").GetString());
                Assert.Equal(expected, postedEcho.GetProperty("body").GetString());
                Assert.StartsWith(type, postedEcho.GetProperty("headers").GetProperty("content-type").GetString());
            }
        }
    }

    [Fact]
    public async Task The_proxy_drops_the_providers_Set_Cookie_and_hop_by_hop_headers()
    {
        var (_, key) = await StartAsync(MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        // Nango passes every header of a provider's error answer on (its 2xx answers carry only a few).
        await Sandbox.Control.FailUpstreamAsync(400, headers: new Dictionary<string, string>
        {
            ["Set-Cookie"] = "provider_session=abc; HttpOnly",
            ["Proxy-Authenticate"] = "Basic realm=provider",
            ["X-Provider-Note"] = "kept",
        });
        using var response = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("kept", Assert.Single(response.Headers.GetValues("X-Provider-Note")));
        Assert.False(response.Headers.Contains("Set-Cookie"), response.Headers.ToString());
        Assert.False(response.Headers.Contains("Proxy-Authenticate"), response.Headers.ToString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_with_413()
    {
        var (_, key) = await StartAsync(MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var client = AgentClient(key);

        using var content = new ChunkedContent(MaxBody + 4096);
        using var response = await client.PostAsync($"/api/v1/agent/proxy/{connection}/messages/outbox", content);
        await AssertProblemAsync(response, 413, "payload_too_large");
    }

    [Fact]
    public async Task Revoking_a_connection_a_token_or_the_agent_is_felt_on_the_next_request()
    {
        var (agent, key) = await StartAsync(MailRead);
        var connection = await AddConnectionAsync("u1");
        using var byKey = AgentClient(key);
        var token = await MintTokenWithIdAsync(agent, "u1");
        using var byToken = AgentClient(token.Token);

        using (var ok = await ListMessagesAsync(byToken, "u1"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        (await Api.DeleteAsync($"/api/v1/agent-tokens/{token.Id}")).EnsureSuccessStatusCode();
        using (var revokedToken = await ListMessagesAsync(byToken, "u1"))
        {
            await AssertProblemAsync(revokedToken, 401, "invalid_agent_credential");
        }

        using (var ok = await ListMessagesAsync(byKey, "u1"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        (await Api.DeleteAsync($"/api/v1/connections/{connection}")).EnsureSuccessStatusCode();
        using (var revoked = await byKey.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { connection_id = connection, input = new { } }))
        {
            await AssertProblemAsync(revoked, 409, "connection_revoked");
        }

        (await Api.PatchAsJsonAsync($"/api/v1/agents/{agent}", new { status = "disabled" })).EnsureSuccessStatusCode();
        using var disabled = await ListMessagesAsync(byKey, "u1");
        await AssertProblemAsync(disabled, 401, "invalid_agent_credential");
    }

    [Fact]
    public async Task Every_call_leaves_one_audit_row_without_query_values_and_the_list_shows_them()
    {
        var (agent, key) = await StartAsync(MailRead, MailProxy);
        var connection = await AddConnectionAsync("u1");
        using var byKey = AgentClient(key);
        using var byToken = AgentClient(await MintTokenAsync(agent, "u1"));

        var sent = new List<(HttpResponseMessage Response, long BytesIn, long BytesOut)>();
        async Task SendAsync(HttpClient client, HttpRequestMessage request)
        {
            // Ids (version 7) carry the clock's time; a tick apart, the list's newest-first order is the order sent.
            Clock.Advance(TimeSpan.FromSeconds(1));
            var bytesIn = request.Content is null ? 0 : (await request.Content.ReadAsByteArrayAsync()).Length;
            var response = await client.SendAsync(request);
            sent.Add((response, bytesIn, (await response.Content.ReadAsByteArrayAsync()).Length));
        }

        await SendAsync(byKey, new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/actions/sandbox-mail/list_messages")
        {
            Content = JsonContent.Create(new { end_user_id = "u1", input = new { q = "quarterly-figures" } }),
        });
        await SendAsync(byToken, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/agent/proxy/{connection}/messages/inbox?q=topsecret-value"));
        await SendAsync(byKey, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/agent/proxy/{connection}/contacts?who=hidden-value"));
        await SendAsync(byKey, new HttpRequestMessage(HttpMethod.Get, new Uri(
            $"{App.BaseUrl.TrimEnd('/')}/api/v1/agent/proxy/{connection}/messages/%2e%2e/admin?x=guarded-value",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true })));
        Assert.Equal([200, 200, 403, 400], sent.Select(s => (int)s.Response.StatusCode));

        var expected = new[]
        {
            (Decision: "allowed", Reason: (string?)null, Rule: (string?)"mail-read", Path: "/v1/messages", Kind: "key"),
            ("allowed", null, "mail-proxy", "/messages/inbox", "token"),
            ("denied", "no_matching_rule", null, "/contacts", "key"),
            ("refused", "invalid_path", null, "/messages/%2e%2e/admin", "key"),
        };
        for (var i = 0; i < sent.Count; i++)
        {
            var requestId = Assert.Single(sent[i].Response.Headers.GetValues("CybrLink-Request-Id"));
            var row = await AgentCallWithBytesOutAsync(requestId);
            var want = expected[i];
            Assert.Equal((want.Decision, want.Reason, want.Rule, want.Path), (row.Decision, row.Reason, row.RuleId, row.Path));
            Assert.Equal(want.Kind, row.CredentialKind);
            Assert.Equal(agent, row.AgentId);
            Assert.Equal((int)sent[i].Response.StatusCode, row.Status);
            Assert.Equal(sent[i].BytesIn, row.BytesIn);
            Assert.Equal(sent[i].BytesOut, row.BytesOut);
        }

        var rows = await CountAgentCallsAsync(q => q.Where(c => c.AgentId == agent));
        Assert.Equal(sent.Count, rows);
        await using (var db = await DbAsync())
        {
            var keyPrefix = await db.AgentCalls.Where(c => c.AgentId == agent && c.CredentialKind == "key").Select(c => c.CredentialPrefix).Distinct().SingleAsync();
            Assert.StartsWith(keyPrefix, key);
            Assert.True(keyPrefix.Length < key.Length);
        }

        var database = App.ReadDatabaseText();
        foreach (var value in new[] { "quarterly-figures", "topsecret-value", "hidden-value", "guarded-value" })
        {
            Assert.DoesNotContain(value, database);
        }

        var listed = await ReadJsonAsync(await Api.GetAsync($"/api/v1/agent-calls?agent_id={agent}"));
        var data = listed.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            sent.Select(s => s.Response.Headers.GetValues("CybrLink-Request-Id").Single()).Reverse(),
            data.Select(d => d.GetProperty("request_id").GetString()));
        Assert.Equal("denied", data[1].GetProperty("decision").GetString());
        Assert.Equal("/contacts", data[1].GetProperty("path").GetString());
        Assert.Equal("token", data[2].GetProperty("credential").GetProperty("kind").GetString());

        foreach (var (response, _, _) in sent)
        {
            response.Dispose();
        }
    }

    /// <summary>A fresh catalog and one agent with these rules and a key.</summary>
    protected async Task<(Guid Agent, string Key)> StartAsync(params object[] rules)
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("api-agent");
        await SetPolicyAsync(agent, rules);
        return (agent, (await CreateKeyAsync(agent)).Key);
    }

    protected static Task<HttpResponseMessage> ListMessagesAsync(HttpClient client, string endUserId) =>
        client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { end_user_id = endUserId, input = new { } });

    /// <summary>Asserts a problem answer with this status whose <c>code</c> is <paramref name="codeOrField"/> or that names it.</summary>
    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, string codeOrField)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        var code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        Assert.True(code == codeOrField || text.Contains(codeOrField, StringComparison.Ordinal), $"'{codeOrField}' not in {text}");
        return problem;
    }

    private Task<CybrLinkDbContext> DbAsync() =>
        App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();

    private static async Task<List<Guid>> ListedAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/agent/connections" + query);
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return [.. json.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).Order()];
    }

    private static List<Guid> Ids(params Guid[] ids) => [.. ids.Order()];

    private static string Fingerprint(string value) =>
        "present, sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];

    /// <summary>A body of unknown length: sent chunked, so only the streaming limit can stop it.</summary>
    private sealed class ChunkedContent(int size) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[4096];
            for (var sent = 0; sent < size; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary><c>Agent:DefaultPerMinute</c>: the agent's own limit, whatever its rules say.</summary>
public sealed class AgentDefaultRateLimitTests : AgentWorld
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Agent:DefaultPerMinute"] = "2",
    };

    [Fact]
    public async Task The_agents_default_limit_refuses_the_third_call_in_a_minute()
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("busy-agent");
        await SetPolicyAsync(agent, new[] { new { id = "mail-read", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" } } });
        using var client = AgentClient((await CreateKeyAsync(agent)).Key);
        await AddConnectionAsync("u1");
        await AddConnectionAsync("u2");

        // Per agent, across end users.
        var statuses = new List<int>();
        foreach (var user in new[] { "u1", "u2", "u1" })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { end_user_id = user, input = new { } });
            statuses.Add((int)response.StatusCode);
            if (statuses.Count == 3)
            {
                var problem = await ReadJsonAsync(response);
                Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([200, 200, 429], statuses);
    }
}
