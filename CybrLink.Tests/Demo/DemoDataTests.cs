using System.Net;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Demo;
using CybrLink.Core.NangoSync;
using CybrLink.Tests.AgentAccess;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Demo;

/// <summary>seed-demo's data against the sandbox Nango: made in CybrLink only, and nothing about it ever reaches Nango.</summary>
public class DemoDataTests : AgentWorld
{
    private Task<CybrLinkDbContext> NewDbAsync() =>
        App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();

    private Task<DemoSeedSummary> SeedAsync(int endUsers = 20, int connections = 200, int calls = 300, int? sessions = 30) =>
        App.Services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedRequest(endUsers, connections, calls, sessions), _ => { });

    [Fact]
    public async Task Seeding_writes_the_asked_counts_all_marked_demo_with_one_audit_event_and_nango_holds_none_of_it()
    {
        var summary = await SeedAsync();

        Assert.Equal((20, 200, 30, 300), (summary.EndUsers, summary.Connections, summary.Sessions, summary.Calls));
        await using var db = await NewDbAsync();
        Assert.Equal(20, await db.EndUsers.CountAsync());
        Assert.Equal(200, await db.Connections.CountAsync(c => c.IsDemo));
        Assert.Equal(0, await db.Connections.CountAsync(c => !c.IsDemo));
        Assert.Equal(30, await db.ConnectSessions.CountAsync());
        Assert.Equal(300, await db.AgentCalls.CountAsync());
        Assert.True(await db.EndUsers.AllAsync(u => u.Email != null && u.DisplayName != null && u.SearchEmail != null));
        // A realistic mix, not one status.
        Assert.True(await db.Connections.CountAsync(c => c.Status == ConnectionStatus.Error) > 0);
        Assert.True(await db.AgentCalls.CountAsync(c => c.Decision == "denied") > 0);
        Assert.Equal([AuditActions.DemoSeeded], await db.AuditEvents.Select(e => e.Action).ToListAsync());
        // The catalog was empty: demo integrations, never offered by the Connect UI.
        Assert.True(summary.IntegrationsCreated);
        Assert.True(await db.Integrations.AllAsync(i => !i.InNango && !i.Enabled));

        var nangoIds = await db.Connections.Select(c => c.NangoConnectionId).Take(5).ToListAsync();
        foreach (var nangoId in nangoIds)
        {
            Assert.False(await NangoListsAsync(nangoId));
        }
    }

    [Fact]
    public async Task Seeding_twice_is_refused_with_a_sentence()
    {
        await SeedAsync(endUsers: 5, connections: 10, calls: 0, sessions: 0);
        await using var db = await NewDbAsync();

        var again = await Assert.ThrowsAsync<DemoSeedException>(() => SeedAsync(endUsers: 5, connections: 10, calls: 0, sessions: 0));

        Assert.Contains("already holds demo data", again.Message);
        Assert.Equal(10, await db.Connections.CountAsync());
    }

    [Fact]
    public async Task Reconciliation_leaves_demo_connections_alone()
    {
        await SeedAsync(connections: 50, calls: 0, sessions: 0);
        await using var db = await NewDbAsync();
        var notRevoked = await db.Connections.CountAsync(c => c.Status != ConnectionStatus.Revoked);

        var report = await App.Services.GetRequiredService<NangoSyncJob>().RunOnceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(0, report.RevokedExternally);
        Assert.Equal(notRevoked, await db.Connections.CountAsync(c => c.Status != ConnectionStatus.Revoked));
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == AuditActions.ConnectionRevokedExternally));
    }

    [Fact]
    public async Task Revoking_a_demo_connection_blocks_it_and_never_calls_nango()
    {
        await SeedAsync(connections: 20, calls: 0, sessions: 0);
        await using var db = await NewDbAsync();
        var id = await db.Connections.Where(c => c.Status == ConnectionStatus.Active).Select(c => c.Id).FirstAsync();
        // Nango is down: a call to it would make the step fail.
        await Sandbox.StopAsync();

        using var response = await Api.DeleteAsync($"/api/v1/connections/{id}");

        var body = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var steps = body.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!);
        Assert.Equal("done", steps["blocked"].GetProperty("outcome").GetString());
        Assert.Equal("already_gone", steps["nango_delete"].GetProperty("outcome").GetString());
        Assert.Equal(ConnectionRevoker.DemoDetail, steps["nango_delete"].GetProperty("detail").GetString());
        var row = await db.Connections.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal((ConnectionStatus.Revoked, false), (row.Status, row.NangoDeletePending));
    }

    [Fact]
    public async Task An_agent_call_on_a_demo_connection_is_refused_before_nango()
    {
        await RefreshCatalogAsync();
        var agent = await CreateAgentAsync("demo probe");
        var (_, key) = await CreateKeyAsync(agent);
        await SetPolicyAsync(agent, new[]
        {
            new { id = "mail", integration = "sandbox-mail", end_users = "*", proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/**" } } } },
        });
        var connection = await AddConnectionAsync("demo-person", inNango: false);
        await using (var db = await NewDbAsync())
        {
            await db.Connections.Where(c => c.Id == connection).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsDemo, true));
        }

        await Sandbox.StopAsync();
        using var client = AgentClient(key);
        using var response = await client.GetAsync($"/api/v1/agent/proxy/{connection}/messages/inbox");

        var body = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("demo_connection", body.GetProperty("code").GetString());
    }

    private async Task<bool> NangoListsAsync(string nangoId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sandbox.BaseUrl}/connections?connectionId={nangoId}");
        request.Headers.Authorization = new("Bearer", Sandbox.Options.SecretKey);
        using var response = await NangoHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var list = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        return list.GetProperty("connections").GetArrayLength() > 0;
    }
}
