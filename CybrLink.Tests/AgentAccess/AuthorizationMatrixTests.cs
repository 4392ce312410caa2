using System.Net.Http.Json;
using System.Text;
using CybrLink.Core.Connections;
using Xunit.Abstractions;

namespace CybrLink.Tests.AgentAccess;

/// <summary>
/// Agents × credentials × connections × requests, each cell with the status the issue promises. Zero unexpected allows;
/// every authenticated request leaves an audit row; no canary token reaches an agent, the database or the logs.
/// </summary>
public sealed class AuthorizationMatrixTests(ITestOutputHelper output) : AgentWorld
{
    private const string Canary = "sbx_canary_";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Agent:MaxBodyBytes"] = "65536",
    };

    private enum Cred { Key, TokenThisUser, TokenOtherUser, RevokedKey, ExpiredToken, DisabledAgent }

    private enum Conn { Own, OtherUsers, Revoked, Errored }

    private sealed record Req(string Name, Func<Guid, HttpRequestMessage> Build, int? Guard = null, bool PolicyAllows = false);

    [Fact]
    public async Task Every_cell_gets_its_expected_status_and_no_unexpected_allow()
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("matrix-agent");
        var disabled = await CreateAgentAsync("disabled-agent");
        await SetPolicyAsync(agent, Rules(Clock.GetUtcNow()));
        await SetPolicyAsync(disabled, Rules(Clock.GetUtcNow()));

        var credentials = new Dictionary<Cred, string>
        {
            [Cred.Key] = (await CreateKeyAsync(agent)).Key,
            [Cred.TokenThisUser] = await MintTokenAsync(agent, "u1"),
            [Cred.TokenOtherUser] = await MintTokenAsync(agent, "u2"),
            [Cred.ExpiredToken] = await MintTokenAsync(agent, "u1", ttlSeconds: 60),
            [Cred.DisabledAgent] = (await CreateKeyAsync(disabled)).Key,
        };
        var revoked = await CreateKeyAsync(agent);
        credentials[Cred.RevokedKey] = revoked.Key;
        (await Api.DeleteAsync($"/api/v1/agents/{agent}/keys/{revoked.Id}")).EnsureSuccessStatusCode();
        (await Api.PatchAsJsonAsync($"/api/v1/agents/{disabled}", new { status = "disabled" })).EnsureSuccessStatusCode();
        Clock.Advance(TimeSpan.FromSeconds(61));

        var connections = new Dictionary<Conn, Guid>
        {
            [Conn.Own] = await AddConnectionAsync("u1"),
            [Conn.OtherUsers] = await AddConnectionAsync("u2"),
            [Conn.Revoked] = await AddConnectionAsync("u1", status: ConnectionStatus.Revoked),
            [Conn.Errored] = await AddConnectionAsync("u1", status: ConnectionStatus.Error),
        };

        var table = new StringBuilder();
        var unexpected = new List<string>();
        var unexpectedAllows = 0;
        var authenticated = 0;
        var seen = new StringBuilder();
        foreach (var (cred, secret) in credentials)
        {
            using var client = AgentClient(secret);
            foreach (var (conn, connectionId) in connections)
            {
                foreach (var req in Requests())
                {
                    using var request = req.Build(connectionId);
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    seen.Append(response.Headers).Append(response.Content.Headers).Append(body);
                    var actual = (int)response.StatusCode;
                    var expected = Expected(cred, conn, req);
                    authenticated += actual == 401 ? 0 : 1;
                    var mark = actual == expected ? "ok" : "UNEXPECTED";
                    table.AppendLine($"{cred,-15} {conn,-11} {req.Name,-34} expected {expected} got {actual} {mark}");
                    if (actual != expected)
                    {
                        unexpected.Add($"{cred}/{conn}/{req.Name}: expected {expected}, got {actual}: {body}");
                        unexpectedAllows += actual is >= 200 and < 300 ? 1 : 0;
                    }
                }
            }
        }

        output.WriteLine(table.ToString());
        Assert.Equal(0, unexpectedAllows);
        Assert.True(unexpected.Count == 0, string.Join('\n', unexpected));

        // Every authenticated request, refused or answered, left exactly one audit row.
        Assert.Equal(authenticated, await CountAgentCallsAsync());

        // The canary: the sandbox's tokens reached the echo (the allowed calls prove it) but never an agent.
        Assert.DoesNotContain(Canary, seen.ToString());
        Assert.DoesNotContain(Canary, App.ReadDatabaseText());
        Assert.DoesNotContain(Canary, App.Logs.All);
    }

    private static int Expected(Cred cred, Conn conn, Req req)
    {
        if (cred is Cred.RevokedKey or Cred.ExpiredToken or Cred.DisabledAgent)
        {
            return 401;
        }

        if (req.Guard is { } guard)
        {
            return guard;
        }

        var owner = conn == Conn.OtherUsers ? "u2" : "u1";
        if ((cred == Cred.TokenThisUser && owner != "u1") || (cred == Cred.TokenOtherUser && owner != "u2"))
        {
            return 403;
        }

        // The policy covers end user u1 only.
        if (owner != "u1" || !req.PolicyAllows)
        {
            return 403;
        }

        return conn switch
        {
            Conn.Revoked => 409,
            Conn.Errored => 409,
            _ => 200,
        };
    }

    private static object[] Rules(DateTimeOffset now) =>
    [
        new { id = "mail-read", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "list_messages" } },
        new
        {
            id = "mail-send-internal", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } }, actions = new[] { "send_message" },
            conditions = new[] { new { input = "/to", op = "glob", value = "*@acme.example" } },
        },
        new
        {
            id = "mail-proxy-read", integration = "sandbox-mail", end_users = new { ids = new[] { "u1" } },
            proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/**" } } },
        },
        new
        {
            id = "no-secrets", effect = "deny", integration = "sandbox-mail", end_users = "*",
            proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/secret/**" } } },
        },
        new
        {
            id = "old-cleanup", integration = "sandbox-mail", end_users = "*", expires_at = now.AddHours(-1),
            proxy = new[] { new { methods = new[] { "DELETE" }, paths = new[] { "/messages/**" } } },
        },
    ];

    private IEnumerable<Req> Requests()
    {
        yield return new("action permitted", id => Action(id, "list_messages", new { }), PolicyAllows: true);
        yield return new("action unlisted", id => Action(id, "get_message", new { message_id = "m1" }));
        yield return new("action condition violated", id => Action(id, "send_message", new { to = "x@evil.example", subject = "s", body = "b" }));
        yield return new("action condition met", id => Action(id, "send_message", new { to = "ana@acme.example", subject = "s", body = "b" }), PolicyAllows: true);
        yield return new("GET permitted path", id => Proxy(HttpMethod.Get, id, "/messages/inbox"), PolicyAllows: true);
        yield return new("POST unpermitted method", id => Proxy(HttpMethod.Post, id, "/messages/inbox"));
        yield return new("GET unpermitted path", id => Proxy(HttpMethod.Get, id, "/contacts"));
        yield return new("DELETE by expired rule", id => Proxy(HttpMethod.Delete, id, "/messages/old"));
        yield return new("GET denied over allow", id => Proxy(HttpMethod.Get, id, "/messages/secret/1"));
        foreach (var raw in new[] { "/messages/../admin", "/messages/%2e%2e/admin", "/messages/a%2Fb", "/messages/a%252Fb", "/messages/inbox;x" })
        {
            yield return new($"path {raw}", id => Proxy(HttpMethod.Get, id, raw), Guard: 400);
        }

        foreach (var header in new[] { "Connection-Id", "Provider-Config-Key", "Base-Url-Override", "Retries", "Retry-On", "Decompress", "Nango-Activity-Log-Id" })
        {
            yield return new($"header {header}", id =>
            {
                var request = Proxy(HttpMethod.Get, id, "/messages/inbox");
                request.Headers.TryAddWithoutValidation(header, "x");
                return request;
            }, Guard: 400);
        }

        yield return new("body over the limit", id =>
        {
            var request = Proxy(HttpMethod.Post, id, "/messages/inbox");
            request.Content = new ByteArrayContent(new byte[65537]);
            return request;
        }, Guard: 413);
    }

    private HttpRequestMessage Action(Guid connectionId, string action, object input) =>
        new(HttpMethod.Post, $"/api/v1/agent/actions/sandbox-mail/{action}")
        {
            Content = JsonContent.Create(new { connection_id = connectionId, input }),
        };

    private HttpRequestMessage Proxy(HttpMethod method, Guid connectionId, string rawPath) =>
        new(method, new Uri($"{App.BaseUrl.TrimEnd('/')}/api/v1/agent/proxy/{connectionId}{rawPath}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
}
