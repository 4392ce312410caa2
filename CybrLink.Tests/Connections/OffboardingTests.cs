using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Security;
using CybrLink.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Tests.Connections;

/// <summary><c>DELETE /api/v1/end-users/{id}</c>: every connection and agent token of one end user, and nobody else's.</summary>
public class OffboardingTests : RevocationFixture
{
    private async Task<Guid> AddAgentAsync()
    {
        await using var db = await NewDbAsync();
        var agent = new Agent { Id = Guid.CreateVersion7(), Name = "assistant-" + Guid.NewGuid().ToString("N")[..6], CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow() };
        db.Agents.Add(agent);
        await db.SaveChangesAsync();
        return agent.Id;
    }

    private async Task<Guid> AddTokenAsync(Guid agentId, string endUserId, bool revoked = false)
    {
        await using var db = await NewDbAsync();
        var token = new AgentToken
        {
            Id = Guid.CreateVersion7(), AgentId = agentId, EndUserId = endUserId, DisplayPrefix = "cbl_at_abcdefgh",
            SecretHash = SecretTokens.Hash(SecretTokens.Generate(AgentToken.TokenPrefix)), CreatedAt = Clock.GetUtcNow(),
            ExpiresAt = Clock.GetUtcNow().AddHours(1), RevokedAt = revoked ? Clock.GetUtcNow().AddMinutes(-1) : null,
        };
        db.AgentTokens.Add(token);
        await db.SaveChangesAsync();
        return token.Id;
    }

    [Fact]
    public async Task Offboarding_revokes_all_of_the_end_users_connections_and_tokens_and_nothing_else()
    {
        var (mine1, nango1) = await ConnectAsync("leaver");
        var (mine2, nango2) = await ConnectAsync("leaver");
        var (theirs, theirNango) = await ConnectAsync("stayer");
        var agent = await AddAgentAsync();
        await AddTokenAsync(agent, "leaver");
        await AddTokenAsync(agent, "leaver");
        await AddTokenAsync(agent, "leaver", revoked: true);
        var otherToken = await AddTokenAsync(agent, "stayer");

        using var response = await Api.DeleteAsync("/api/v1/end-users/leaver");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("leaver", result.GetProperty("end_user_id").GetString());
        Assert.Equal(2, result.GetProperty("agent_tokens_revoked").GetInt32());
        var connections = result.GetProperty("connections").EnumerateArray().ToList();
        Assert.Equal([mine1, mine2], connections.Select(c => c.GetProperty("id").GetGuid()).Order());
        Assert.All(connections, c =>
        {
            Assert.Equal("revoked", c.GetProperty("status").GetString());
            Assert.Equal(("done", null), Steps(c)["blocked"]);
            Assert.Equal(("done", null), Steps(c)["nango_delete"]);
        });

        Assert.False(await NangoListsAsync(nango1));
        Assert.False(await NangoListsAsync(nango2));
        Assert.True(await NangoListsAsync(theirNango));
        Assert.Equal(ConnectionStatus.Active, (await ReadAsync(theirs)).Status);
        await using var db = await NewDbAsync();
        Assert.False(await db.AgentTokens.AnyAsync(t => t.EndUserId == "leaver" && t.RevokedAt == null));
        Assert.Null((await db.AgentTokens.SingleAsync(t => t.Id == otherToken)).RevokedAt);
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.EndUserOffboarded && a.TargetId == "leaver");
        Assert.Equal("connections=2 nango_delete_failed=0 agent_tokens_revoked=2", audit.Detail);
    }

    [Fact]
    public async Task Offboarding_again_reports_everything_already_done()
    {
        await ConnectAsync("twice");
        (await Api.DeleteAsync("/api/v1/end-users/twice")).EnsureSuccessStatusCode();

        var again = await Api.DeleteAsync("/api/v1/end-users/twice");

        var result = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, result.GetProperty("agent_tokens_revoked").GetInt32());
        var connection = Assert.Single(result.GetProperty("connections").EnumerateArray());
        Assert.Equal(("already_revoked", null), Steps(connection)["blocked"]);
        Assert.Equal(("already_gone", null), Steps(connection)["nango_delete"]);
    }

    [Fact]
    public async Task An_end_user_with_only_a_token_is_offboarded()
    {
        await AddTokenAsync(await AddAgentAsync(), "token-only");

        var response = await Api.DeleteAsync("/api/v1/end-users/token-only");

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(result.GetProperty("connections").EnumerateArray());
        Assert.Equal(1, result.GetProperty("agent_tokens_revoked").GetInt32());
    }

    [Fact]
    public async Task An_end_user_never_seen_is_404()
    {
        using var response = await Api.DeleteAsync("/api/v1/end-users/nobody");

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "end_user_not_found");
    }
}
