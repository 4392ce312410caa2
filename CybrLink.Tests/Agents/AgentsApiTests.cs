using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Agents;
using CybrLink.Core.Data;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Agents;

public class AgentsApiTests : SandboxedApp
{
    private async Task<JsonElement> CreateAgentAsync(string name = "support-bot", string? description = null)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/agents", new { name, description });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    private async Task<JsonElement> CreateKeyAsync(string agentId, object? body = null)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/keys", body ?? new { });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    [Fact]
    public async Task Create_answers_201_with_location_and_the_agent_reads_back()
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/agents", new { name = "  support-bot ", description = "Answers tickets.\nPolitely." });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var agent = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/agents/{Id(agent)}", response.Headers.Location!.OriginalString);
        var read = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{Id(agent)}");
        Assert.Equal("support-bot", read.GetProperty("name").GetString());
        Assert.Equal("Answers tickets.\nPolitely.", read.GetProperty("description").GetString());
        Assert.Equal("active", read.GetProperty("status").GetString());
        Assert.Empty(read.GetProperty("keys").EnumerateArray());
        var listed = await Api.GetFromJsonAsync<JsonElement>("/api/v1/agents");
        Assert.Equal(Id(agent), Id(Assert.Single(listed.EnumerateArray())));
    }

    [Fact]
    public async Task A_taken_name_is_409_agent_name_taken_also_when_renaming()
    {
        await CreateAgentAsync("support-bot");
        var other = await CreateAgentAsync("billing-bot");

        using var duplicate = await Api.PostAsJsonAsync("/api/v1/agents", new { name = "support-bot" });
        using var rename = await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(other)}", new { name = "support-bot" });

        await ServerKeyAuthenticationTests.AssertProblemAsync(duplicate, HttpStatusCode.Conflict, "agent_name_taken");
        await ServerKeyAuthenticationTests.AssertProblemAsync(rename, HttpStatusCode.Conflict, "agent_name_taken");
        var unchanged = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{Id(other)}");
        Assert.Equal("billing-bot", unchanged.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_make_one_agent_and_409s_never_a_500()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Api.PostAsJsonAsync("/api/v1/agents", new { name = "racer" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Single((await Api.GetFromJsonAsync<JsonElement>("/api/v1/agents")).EnumerateArray());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_renames_to_one_name_give_it_to_one_agent_and_409s_never_a_500()
    {
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(Id(await CreateAgentAsync($"agent-{i}")));
        }

        var responses = await Task.WhenAll(ids.Select(id => Api.PatchAsJsonAsync($"/api/v1/agents/{id}", new { name = "wanted" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"name":"bot\u202Etxt.exe"}""", "name")]
    [InlineData("""{"name":"bot\u200B"}""", "name")]
    [InlineData("""{"name":"bot\u0000"}""", "name")]
    [InlineData("""{"name":"bot","description":"a\u0007b"}""", "description")]
    [InlineData("""{"name":"bot","owner":"ops"}""", "owner")]
    [InlineData("""{"name":42}""", "name")]
    public async Task Unacceptable_agent_fields_are_422_naming_the_field(string json, string field)
    {
        using var response = await PostJsonAsync("/api/v1/agents", json);

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Names_and_descriptions_have_length_limits()
    {
        using var longName = await Api.PostAsJsonAsync("/api/v1/agents", new { name = new string('n', 101) });
        using var longDescription = await Api.PostAsJsonAsync("/api/v1/agents", new { name = "bot", description = new string('d', 1001) });
        using var longest = await Api.PostAsJsonAsync("/api/v1/agents", new { name = new string('n', 100), description = new string('d', 1000) });

        Assert.Contains("\"name\"", await longName.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longName.StatusCode);
        Assert.Contains("\"description\"", await longDescription.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longDescription.StatusCode);
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_are_404_agent_not_found()
    {
        var id = Guid.NewGuid();

        using var get = await Api.GetAsync($"/api/v1/agents/{id}");
        using var patch = await Api.PatchAsJsonAsync($"/api/v1/agents/{id}", new { name = "x" });
        using var delete = await Api.DeleteAsync($"/api/v1/agents/{id}");
        using var key = await Api.PostAsJsonAsync($"/api/v1/agents/{id}/keys", new { });
        using var token = await Api.PostAsJsonAsync($"/api/v1/agents/{id}/tokens", new { end_user_id = "u-1", ttl_seconds = 600 });

        foreach (var response in new[] { get, patch, delete, key, token })
        {
            await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
        }
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_given_and_an_empty_description_clears_it()
    {
        var agent = await CreateAgentAsync("support-bot", "first");

        var renamed = await (await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(agent)}", new { name = "helpdesk-bot" })).Content.ReadFromJsonAsync<JsonElement>();
        var cleared = await (await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(agent)}", new { description = "" })).Content.ReadFromJsonAsync<JsonElement>();
        using var badStatus = await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(agent)}", new { status = "paused" });

        Assert.Equal("helpdesk-bot", renamed.GetProperty("name").GetString());
        Assert.Equal("first", renamed.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("description").ValueKind);
        Assert.Equal("helpdesk-bot", cleared.GetProperty("name").GetString());
        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(badStatus, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _), problem.ToString());
    }

    [Fact]
    public async Task A_key_is_shown_once_never_again_and_only_its_hash_is_stored()
    {
        var agent = await CreateAgentAsync();

        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/keys", new { name = "prod", expires_at = Clock.GetUtcNow().AddDays(30) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        Assert.Matches("^cbl_agent_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(key[..AgentKey.DisplayPrefixLength], created.GetProperty("prefix").GetString());
        Assert.Equal("prod", created.GetProperty("name").GetString());
        Assert.Equal(Clock.GetUtcNow().AddDays(30), created.GetProperty("expires_at").GetDateTimeOffset());

        var read = await Api.GetStringAsync($"/api/v1/agents/{Id(agent)}");
        var listed = await Api.GetStringAsync("/api/v1/agents");
        Assert.DoesNotContain(key, read + listed);
        Assert.DoesNotContain(key[AgentKey.TokenPrefix.Length..], read + listed);
        Assert.DoesNotContain("hash", read + listed, StringComparison.OrdinalIgnoreCase);
        var listedKey = Assert.Single(JsonDocument.Parse(read).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(Id(created), Id(listedKey));
        Assert.Equal(created.GetProperty("prefix").GetString(), listedKey.GetProperty("prefix").GetString());

        var database = App.ReadDatabaseText();
        Assert.DoesNotContain(key, database);
        Assert.DoesNotContain(key[AgentKey.DisplayPrefixLength..], database);
    }

    [Fact]
    public async Task A_key_expiry_must_be_in_the_future()
    {
        var agent = await CreateAgentAsync();

        using var past = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/keys", new { expires_at = Clock.GetUtcNow().AddSeconds(-1) });
        using var notADate = await PostJsonAsync($"/api/v1/agents/{Id(agent)}/keys", """{"expires_at":"tomorrow"}""");
        using var unknown = await PostJsonAsync($"/api/v1/agents/{Id(agent)}/keys", """{"scopes":["all"]}""");

        foreach (var (response, field) in new[] { (past, "expires_at"), (notADate, "expires_at"), (unknown, "scopes") })
        {
            var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_key_can_be_created_without_a_body()
    {
        var agent = await CreateAgentAsync();

        using var response = await Api.PostAsync($"/api/v1/agents/{Id(agent)}/keys", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_key_is_204_and_only_the_agents_own_keys_can_be_revoked()
    {
        var agent = await CreateAgentAsync("a");
        var other = await CreateAgentAsync("b");
        var key = await CreateKeyAsync(Id(agent));

        using var wrongAgent = await Api.DeleteAsync($"/api/v1/agents/{Id(other)}/keys/{Id(key)}");
        using var unknown = await Api.DeleteAsync($"/api/v1/agents/{Id(agent)}/keys/{Guid.NewGuid()}");
        using var revoked = await Api.DeleteAsync($"/api/v1/agents/{Id(agent)}/keys/{Id(key)}");
        using var again = await Api.DeleteAsync($"/api/v1/agents/{Id(agent)}/keys/{Id(key)}");

        await ServerKeyAuthenticationTests.AssertProblemAsync(wrongAgent, HttpStatusCode.NotFound, "agent_key_not_found");
        await ServerKeyAuthenticationTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "agent_key_not_found");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var read = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{Id(agent)}");
        Assert.Equal(Clock.GetUtcNow(), read.GetProperty("keys")[0].GetProperty("revoked_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delete_disables_the_agent_revokes_its_credentials_and_keeps_its_history()
    {
        var agent = await CreateAgentAsync();
        await CreateKeyAsync(Id(agent));
        await CreateKeyAsync(Id(agent));
        using (var minted = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = "u-1", ttl_seconds = 600 }))
        {
            Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        }

        using var response = await Api.DeleteAsync($"/api/v1/agents/{Id(agent)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disabled = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("disabled", disabled.GetProperty("status").GetString());
        Assert.All(disabled.GetProperty("keys").EnumerateArray(), k => Assert.Equal(JsonValueKind.String, k.GetProperty("revoked_at").ValueKind));
        Assert.Equal(2, disabled.GetProperty("keys").GetArrayLength());
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        Assert.All(await db.AgentTokens.ToListAsync(), t => Assert.NotNull(t.RevokedAt));
        var events = await db.AuditEvents.Where(e => e.TargetId == Id(agent)).Select(e => e.Action).ToListAsync();
        Assert.Equal(["agent.created", "agent.disabled"], events.Order());

        using var newKey = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/keys", new { });
        using var newToken = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = "u-1", ttl_seconds = 600 });
        await ServerKeyAuthenticationTests.AssertProblemAsync(newKey, HttpStatusCode.Conflict, "agent_disabled");
        await ServerKeyAuthenticationTests.AssertProblemAsync(newToken, HttpStatusCode.Conflict, "agent_disabled");
        Assert.Equal(2, (await Api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{Id(agent)}")).GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task Reactivating_an_agent_does_not_bring_back_its_revoked_keys()
    {
        var agent = await CreateAgentAsync();
        await CreateKeyAsync(Id(agent));
        using (var disable = await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(agent)}", new { status = "disabled" }))
        {
            Assert.Equal("disabled", (await disable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        using var activate = await Api.PatchAsJsonAsync($"/api/v1/agents/{Id(agent)}", new { status = "active" });

        var active = await activate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, active.GetProperty("keys")[0].GetProperty("revoked_at").ValueKind);
        using var newKey = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/keys", new { });
        Assert.Equal(HttpStatusCode.Created, newKey.StatusCode);
    }

    [Fact]
    public async Task A_token_is_minted_for_one_end_user_shown_once_and_only_its_hash_is_stored()
    {
        var agent = await CreateAgentAsync();

        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens",
            new { end_user_id = "u-42", ttl_seconds = 900, integrations = new[] { "sandbox-mail", "sandbox-crm" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = created.GetProperty("token").GetString()!;
        Assert.Matches("^cbl_at_[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(900), created.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal($"/api/v1/agent-tokens/{Id(created)}", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain(token[AgentToken.DisplayPrefixLength..], App.ReadDatabaseText());
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "agent_token.created");
        Assert.Equal(Id(created), audit.TargetId);
        Assert.Contains("end_user=u-42", audit.Detail);
    }

    [Theory]
    [InlineData("""{"ttl_seconds":600}""", "end_user_id")]
    [InlineData("""{"end_user_id":"","ttl_seconds":600}""", "end_user_id")]
    [InlineData("""{"end_user_id":"u\u202E","ttl_seconds":600}""", "end_user_id")]
    [InlineData("""{"end_user_id":"u-1"}""", "ttl_seconds")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":59}""", "ttl_seconds")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":86401}""", "ttl_seconds")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":"600"}""", "ttl_seconds")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":600,"integrations":[]}""", "integrations")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":600,"integrations":["sandbox-mail","no-such-app"]}""", "integrations[1]")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":600,"integrations":["sandbox-mail","sandbox-mail"]}""", "integrations[1]")]
    [InlineData("""{"end_user_id":"u-1","ttl_seconds":600,"scope":"all"}""", "scope")]
    public async Task Unacceptable_token_fields_are_422_naming_the_field(string json, string field)
    {
        var agent = await CreateAgentAsync();

        using var response = await PostJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", json);

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_token_ttl_bounds_are_accepted()
    {
        var agent = await CreateAgentAsync();

        using var shortest = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = "u-1", ttl_seconds = 60 });
        using var longest = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = "u-1", ttl_seconds = 86_400 });

        Assert.Equal(HttpStatusCode.Created, shortest.StatusCode);
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_token_is_204_and_an_unknown_one_404()
    {
        var agent = await CreateAgentAsync();
        using var minted = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = "u-1", ttl_seconds = 600 });
        var token = await minted.Content.ReadFromJsonAsync<JsonElement>();

        using var revoked = await Api.DeleteAsync($"/api/v1/agent-tokens/{Id(token)}");
        using var unknown = await Api.DeleteAsync($"/api/v1/agent-tokens/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await ServerKeyAuthenticationTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "agent_token_not_found");
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "agent_token.revoked" && e.TargetId == Id(token)));
    }

    [Fact]
    public async Task Offboarding_an_end_user_revokes_their_tokens_of_every_agent_and_no_one_elses()
    {
        var first = await CreateAgentAsync("a");
        var second = await CreateAgentAsync("b");
        foreach (var (agent, user) in new[] { (first, "u-1"), (second, "u-1"), (first, "u-2") })
        {
            using var minted = await Api.PostAsJsonAsync($"/api/v1/agents/{Id(agent)}/tokens", new { end_user_id = user, ttl_seconds = 600 });
            Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        }

        await using var scope = App.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<AgentTokens>();
        var revoked = await tokens.RevokeForEndUserAsync("u-1", Core.Audit.AuditActor.System, CancellationToken.None);
        var again = await tokens.RevokeForEndUserAsync("u-1", Core.Audit.AuditActor.System, CancellationToken.None);

        Assert.Equal(2, revoked);
        Assert.Equal(0, again);
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var rows = await db.AgentTokens.ToListAsync();
        Assert.All(rows.Where(t => t.EndUserId == "u-1"), t => Assert.NotNull(t.RevokedAt));
        Assert.Null(Assert.Single(rows, t => t.EndUserId == "u-2").RevokedAt);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "agent_token.revoked"));
    }

    [Fact]
    public async Task Agent_endpoints_need_a_server_key()
    {
        using var anonymous = App.CreateClient();

        using var response = await anonymous.GetAsync("/api/v1/agents");

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "missing_api_key");
    }
}
