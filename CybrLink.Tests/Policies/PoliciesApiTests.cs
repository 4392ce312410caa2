using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Agents;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Policies;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Policies;

public class PoliciesApiTests : IAsyncLifetime
{
    private const string ReadRepos = """{"id":"read","integration":"github","end_users":"*","actions":["list_repositories"]}""";
    private const string OrgProxy = """{"id":"org-proxy","integration":"github","end_users":{"organization":"acme"},"proxy":[{"methods":["get"],"paths":["/repos/acme/**"]}]}""";
    private const string SmallCharges = """{"id":"small","integration":"stripe","end_users":"*","actions":["charge"],"conditions":[{"input":"/amount","op":"max","value":100}]}""";

    private CybrLinkAppFactory _app = null!;
    private HttpClient _api = null!;

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _app = new CybrLinkAppFactory(configureServices: s => s.AddSingleton<TimeProvider>(Clock), provider: DatabaseProvider);
        _api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("backend"));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<Guid> CreateAgentAsync(AgentStatus status = AgentStatus.Active)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), Name = $"agent-{Guid.NewGuid():N}", Status = status, CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(), DisabledAt = status == AgentStatus.Disabled ? Clock.GetUtcNow() : null,
        };
        db.Agents.Add(agent);
        db.EndUsers.Add(new EndUser { Id = $"member-{agent.Id:N}", OrganizationId = "acme", CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow() });
        await db.SaveChangesAsync();
        return agent.Id;
    }

    private Task<HttpResponseMessage> PutAsync(Guid agent, params string[] rules) =>
        _api.PutAsync($"/api/v1/agents/{agent}/policy",
            new StringContent($$"""{"rules":[{{string.Join(",", rules)}}]}""", Encoding.UTF8, "application/json"));

    private async Task<JsonElement> EvaluateAsync(Guid agent, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _api.PostAsJsonAsync($"/api/v1/agents/{agent}/policy/evaluate", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, json.ToString());
        return json;
    }

    private async Task<(int Versions, int AuditEvents, int AgentCalls)> CountsAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        return (await db.AgentPolicyVersions.CountAsync(), await db.AuditEvents.CountAsync(), await db.AgentCalls.CountAsync());
    }

    [Fact]
    public async Task A_policy_never_set_is_version_0_with_no_rules()
    {
        var agent = await CreateAgentAsync();

        var policy = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agent}/policy");

        Assert.Equal(agent, policy.GetProperty("agent_id").GetGuid());
        Assert.Equal(0, policy.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("updated_at").ValueKind);
        Assert.Equal(0, policy.GetProperty("rules").GetArrayLength());
    }

    [Fact]
    public async Task Each_put_is_a_new_version_in_canonical_form_and_get_reads_the_latest()
    {
        var agent = await CreateAgentAsync();

        using var first = await PutAsync(agent, ReadRepos);
        Clock.Advance(TimeSpan.FromMinutes(1));
        using var second = await PutAsync(agent, ReadRepos, OrgProxy);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var saved = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        var read = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agent}/policy");
        Assert.Equal(saved.ToString(), read.ToString());
        Assert.Equal(Clock.GetUtcNow(), read.GetProperty("updated_at").GetDateTimeOffset());
        var proxy = read.GetProperty("rules")[1].GetProperty("proxy")[0];
        Assert.Equal("GET", proxy.GetProperty("methods")[0].GetString());
        Assert.Equal("allow", read.GetProperty("rules")[0].GetProperty("effect").GetString());
    }

    [Fact]
    public async Task What_get_answers_can_be_put_back_unchanged()
    {
        var agent = await CreateAgentAsync();
        using (await PutAsync(agent, ReadRepos, OrgProxy, SmallCharges))
        {
        }

        var read = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agent}/policy");
        using var put = await PutAsync(agent, [.. read.GetProperty("rules").EnumerateArray().Select(r => r.GetRawText())]);

        var again = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(put.IsSuccessStatusCode, again.ToString());
        Assert.Equal(2, again.GetProperty("version").GetInt32());
        Assert.Equal(read.GetProperty("rules").ToString(), again.GetProperty("rules").ToString());
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        Assert.Equal("version 2; no rule changed", await db.AuditEvents.Where(e => e.Action == PolicyStore.UpdatedAuditAction)
            .OrderByDescending(e => e.Id).Select(e => e.Detail).FirstAsync());
    }

    [Fact]
    public async Task Every_change_is_audited_with_a_diff_by_rule_id()
    {
        var agent = await CreateAgentAsync();
        using (await PutAsync(agent, ReadRepos, SmallCharges))
        {
        }

        using (await PutAsync(agent, OrgProxy, SmallCharges.Replace("100", "50"), ReadRepos.Replace("\"read\"", "\"read2\"")))
        {
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var events = await db.AuditEvents.Where(e => e.Action == PolicyStore.UpdatedAuditAction).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("agent", agent.ToString(), "server_key"), (e.TargetType, e.TargetId, e.ActorType)));
        Assert.Equal("version 1; added: read, small", events[0].Detail);
        Assert.Equal("version 2; added: org-proxy, read2; removed: read; changed: small", events[1].Detail);
    }

    [Fact]
    public async Task An_invalid_policy_is_422_naming_each_path_and_nothing_is_written()
    {
        var agent = await CreateAgentAsync();
        var before = await CountsAsync();

        using var response = await PutAsync(agent,
            """{"id":"a","integration":"github","end_users":"*","proxy":[{"methods":["GET","FETCH"],"paths":["/ok"]}]}""",
            """{"id":"b","integration":"github","end_users":"*","actions":["x"],"conditions":[{"input":"/n","op":"max","value":"1"}],"extra":true}""");

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToList();
        Assert.Equal(["rules[0].proxy[0].methods[1]", "rules[1].conditions[0].value", "rules[1].extra"], errors);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", """{"rules":[]}""")]
    [InlineData("POST", """{"end_user_id":"u","integration":"github"}""")]
    public async Task An_unknown_agent_is_404_agent_not_found(string method, string body)
    {
        var path = $"/api/v1/agents/{Guid.NewGuid()}/policy" + (method == "POST" ? "/evaluate" : "");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _api.SendAsync(request);

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task A_disabled_agents_policy_can_still_be_read_and_written()
    {
        var agent = await CreateAgentAsync(AgentStatus.Disabled);

        using var put = await PutAsync(agent, ReadRepos);
        var read = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agent}/policy");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, read.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_dry_run_answers_allowed_denied_and_no_rule_and_writes_nothing()
    {
        var agent = await CreateAgentAsync();
        var deny = """{"id":"no-admin","effect":"deny","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/repos/acme/admin/**"]}]}""";
        using (await PutAsync(agent, ReadRepos, OrgProxy, SmallCharges, deny))
        {
        }

        var before = await CountsAsync();
        var member = $"member-{agent:N}";

        var allowed = await EvaluateAsync(agent, new { end_user_id = "anyone", integration = "github", action = "list_repositories" });
        var byOrganization = await EvaluateAsync(agent, new { end_user_id = member, integration = "github", method = "get", path = "/repos/acme/app/issues" });
        var notMember = await EvaluateAsync(agent, new { end_user_id = "outsider", integration = "github", method = "GET", path = "/repos/acme/app" });
        var denied = await EvaluateAsync(agent, new { end_user_id = member, integration = "github", method = "GET", path = "/repos/acme/admin/keys" });
        var condition = await EvaluateAsync(agent, new { end_user_id = "u", integration = "stripe", action = "charge", input = new { amount = 500 } });
        var withinLimit = await EvaluateAsync(agent, new { end_user_id = "u", integration = "stripe", action = "charge", input = new { amount = 5 } });

        Assert.Equal("""{"allowed":true,"rule_id":"read","reason":"allowed by rule read"}""", allowed.GetRawText());
        Assert.Equal("org-proxy", byOrganization.GetProperty("rule_id").GetString());
        Assert.True(byOrganization.GetProperty("allowed").GetBoolean());
        Assert.Equal("""{"allowed":false,"rule_id":null,"reason":"no_matching_rule"}""", notMember.GetRawText());
        Assert.Equal("""{"allowed":false,"rule_id":"no-admin","reason":"denied by rule no-admin"}""", denied.GetRawText());
        Assert.Equal("""{"allowed":false,"rule_id":"small","reason":"condition failed: /amount max 100"}""", condition.GetRawText());
        Assert.True(withinLimit.GetProperty("allowed").GetBoolean());
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("/repos/acme/../admin")]
    [InlineData("/repos/acme/%2e%2e/admin")]
    [InlineData("/repos/acme%2Fadmin")]
    [InlineData("/repos/acme/%252F")]
    [InlineData("/repos/acme;x")]
    [InlineData("/repos//acme")]
    public async Task A_dry_run_path_that_normalisation_refuses_is_400_invalid_path(string path)
    {
        var agent = await CreateAgentAsync();

        using var response = await _api.PostAsJsonAsync($"/api/v1/agents/{agent}/policy/evaluate",
            new { end_user_id = "u", integration = "github", method = "GET", path });

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_path");
    }

    [Theory]
    [InlineData("""{"end_user_id":"u","integration":"github","action":"x","method":"GET","path":"/x"}""", "action")]
    [InlineData("""{"end_user_id":"u","integration":"github","method":"GET"}""", "path")]
    [InlineData("""{"end_user_id":"u","integration":"github","path":"/x"}""", "method")]
    [InlineData("""{"end_user_id":"u","integration":"github","method":"TRACE","path":"/x"}""", "method")]
    [InlineData("""{"end_user_id":"u","integration":"github","action":"List"}""", "action")]
    [InlineData("""{"end_user_id":"u","integration":"github","action":"x","input":[1]}""", "input")]
    [InlineData("""{"end_user_id":"","integration":"github"}""", "end_user_id")]
    [InlineData("""{"integration":"github"}""", "end_user_id")]
    [InlineData("""{"end_user_id":"u","integration":"github","actions":"x"}""", "actions")]
    public async Task A_dry_run_question_that_cannot_be_asked_is_422_naming_the_field(string body, string field)
    {
        var agent = await CreateAgentAsync();

        using var response = await _api.PostAsync($"/api/v1/agents/{agent}/policy/evaluate", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_new_version_is_in_force_from_the_next_evaluation()
    {
        var agent = await CreateAgentAsync();
        var question = new { end_user_id = "u", integration = "github", action = "list_repositories" };
        using (await PutAsync(agent, ReadRepos))
        {
        }

        var before = await EvaluateAsync(agent, question);
        using (await PutAsync(agent, """{"id":"stop","effect":"deny","integration":"*","end_users":"*"}""", ReadRepos))
        {
        }

        var after = await EvaluateAsync(agent, question);

        Assert.True(before.GetProperty("allowed").GetBoolean());
        Assert.Equal("stop", after.GetProperty("rule_id").GetString());
        Assert.False(after.GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task A_store_that_cached_an_old_version_reads_the_new_one_another_instance_wrote()
    {
        var agent = await CreateAgentAsync();
        var services = _app.Services;
        PolicyStore NewInstance() => new(services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>(),
            services.GetRequiredService<PolicyValidator>(), services.GetRequiredService<CybrLink.Core.Audit.AuditLog>(), Clock);
        var reader = NewInstance();
        using (await PutAsync(agent, ReadRepos))
        {
        }

        var first = await reader.LoadAsync(agent);
        Assert.Same(first, await reader.LoadAsync(agent));
        using var body = JsonDocument.Parse($$"""{"rules":[{{SmallCharges}}]}""");
        await NewInstance().ReplaceAsync(agent, body.RootElement, CybrLink.Core.Audit.AuditActor.System);

        var second = await reader.LoadAsync(agent);

        Assert.Equal((1, "read"), (first.Version, first.Rules[0].Id));
        Assert.Equal((2, "small"), (second.Version, second.Rules[0].Id));
    }

    [Fact]
    public async Task Concurrent_writers_get_distinct_consecutive_versions_or_409_never_a_500()
    {
        var agent = await CreateAgentAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => PutAsync(agent, ReadRepos.Replace("\"read\"", $"\"read{i}\""))));

        var versions = new List<int>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    versions.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
                }
            }
        }

        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Order());
        var current = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agent}/policy");
        Assert.Equal(versions.Max(), current.GetProperty("version").GetInt32());
    }
}
