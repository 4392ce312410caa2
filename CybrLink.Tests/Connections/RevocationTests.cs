using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.NangoSync;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Connections;

/// <summary>Connections made at the sandbox and known to CybrLink, and ways to look at both sides.</summary>
public abstract class RevocationFixture : SandboxedApp
{
    protected async Task<ReconcileReport?> ReconcileAsync() =>
        await App.Services.GetRequiredService<NangoSyncJob>().RunOnceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

    /// <summary>An active connection known to CybrLink and held by Nango.</summary>
    protected async Task<(Guid Id, string NangoId)> ConnectAsync(string endUser)
    {
        var (_, _, nangoId) = await ConnectInNangoOnlyAsync(
            new { end_user = new { id = endUser }, integration = "sandbox-crm", connection_config = new { subdomain = "acme" } }, "k-" + endUser);
        await ReconcileAsync();
        await using var db = await NewDbAsync();
        return (await db.Connections.Where(c => c.NangoConnectionId == nangoId).Select(c => c.Id).SingleAsync(), nangoId);
    }

    protected Task<CybrLinkDbContext> NewDbAsync() =>
        App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();

    protected async Task<bool> NangoListsAsync(string nangoId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sandbox.BaseUrl}/connections?connectionId={nangoId}");
        request.Headers.Authorization = new("Bearer", Sandbox.Options.SecretKey);
        using var response = await NangoHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<JsonElement>();
        return list.GetProperty("connections").EnumerateArray().Any(c => c.GetProperty("connection_id").GetString() == nangoId);
    }

    protected async Task<Connection> ReadAsync(Guid id)
    {
        await using var db = await NewDbAsync();
        return await db.Connections.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    protected static Dictionary<string, (string Outcome, string? Detail)> Steps(JsonElement revocation) =>
        revocation.GetProperty("steps").EnumerateArray().ToDictionary(
            s => s.GetProperty("step").GetString()!,
            s => (s.GetProperty("outcome").GetString()!, s.TryGetProperty("detail", out var d) ? d.GetString() : null));
}

/// <summary><c>DELETE /api/v1/connections/{id}</c> against the sandbox: blocked in CybrLink first, then deleted in Nango.</summary>
public class RevocationTests : RevocationFixture
{
    private async Task<JsonElement> RevokeAsync(Guid id)
    {
        using var response = await Api.DeleteAsync($"/api/v1/connections/{id}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task Revoking_blocks_the_connection_and_deletes_it_in_nango()
    {
        var (id, nangoId) = await ConnectAsync("u-1");

        var revocation = await RevokeAsync(id);

        Assert.Equal(id, revocation.GetProperty("id").GetGuid());
        Assert.Equal("revoked", revocation.GetProperty("status").GetString());
        Assert.Equal(["blocked", "nango_delete"], revocation.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Equal(("done", null), Steps(revocation)["blocked"]);
        Assert.Equal(("done", null), Steps(revocation)["nango_delete"]);
        Assert.False(revocation.GetProperty("steps")[1].TryGetProperty("detail", out _));

        var connection = await ReadAsync(id);
        Assert.Equal(ConnectionStatus.Revoked, connection.Status);
        Assert.Equal(Clock.GetUtcNow(), connection.RevokedAt);
        Assert.False(connection.NangoDeletePending);
        Assert.False(await NangoListsAsync(nangoId));
        var shown = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{id}");
        Assert.Equal("revoked", shown.GetProperty("status").GetString());

        await using var db = await NewDbAsync();
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.ConnectionRevoked && a.TargetId == id.ToString());
        Assert.Equal("server_key", audit.ActorType);
        Assert.Equal("blocked=done nango_delete=done", audit.Detail);
    }

    [Fact]
    public async Task A_failing_nango_leaves_it_blocked_and_reconciliation_deletes_it_later_without_reviving_it()
    {
        var (id, nangoId) = await ConnectAsync("u-2");
        await Sandbox.Control.FailApiAsync(count: 1);

        var revocation = await RevokeAsync(id);

        Assert.Equal(("done", null), Steps(revocation)["blocked"]);
        Assert.Equal(("failed", "Nango answered 500 generic_error_support."), Steps(revocation)["nango_delete"]);
        var blocked = await ReadAsync(id);
        Assert.Equal(ConnectionStatus.Revoked, blocked.Status);
        Assert.True(blocked.NangoDeletePending);
        Assert.True(await NangoListsAsync(nangoId));

        // The pass's retry of the delete fails again, and Nango still lists the connection while the delete is
        // pending: the pass must neither revive it nor record it again.
        await Sandbox.Control.FailApiAsync(count: 1);
        var stillPending = await ReconcileAsync();
        Assert.Equal(0, stillPending!.NangoDeletesRetried);
        Assert.Equal(0, stillPending.Created);
        var afterPass = await ReadAsync(id);
        Assert.Equal(ConnectionStatus.Revoked, afterPass.Status);
        Assert.True(afterPass.NangoDeletePending);
        await using (var db = await NewDbAsync())
        {
            Assert.Equal(1, await db.Connections.CountAsync(c => c.EndUserId == "u-2"));
        }

        var retried = await ReconcileAsync();

        Assert.Equal(1, retried!.NangoDeletesRetried);
        Assert.False(await NangoListsAsync(nangoId));
        var done = await ReadAsync(id);
        Assert.Equal(ConnectionStatus.Revoked, done.Status);
        Assert.False(done.NangoDeletePending);
        await using var audit = await NewDbAsync();
        Assert.True(await audit.AuditEvents.AnyAsync(a => a.Action == AuditActions.ConnectionNangoDeleted && a.TargetId == id.ToString()));
    }

    [Fact]
    public async Task Revoking_again_while_the_delete_is_pending_retries_it()
    {
        var (id, nangoId) = await ConnectAsync("u-3");
        await Sandbox.Control.FailApiAsync(count: 1);
        await RevokeAsync(id);

        var again = await RevokeAsync(id);

        Assert.Equal(("already_revoked", null), Steps(again)["blocked"]);
        Assert.Equal(("done", null), Steps(again)["nango_delete"]);
        Assert.False(await NangoListsAsync(nangoId));
        Assert.False((await ReadAsync(id)).NangoDeletePending);
    }

    [Fact]
    public async Task A_connection_already_deleted_in_nango_is_reported_already_gone()
    {
        var (id, nangoId) = await ConnectAsync("u-4");
        await DeleteInNangoAsync(nangoId, "sandbox-crm");

        var revocation = await RevokeAsync(id);

        Assert.Equal(("done", null), Steps(revocation)["blocked"]);
        Assert.Equal(("already_gone", null), Steps(revocation)["nango_delete"]);
        Assert.False((await ReadAsync(id)).NangoDeletePending);
    }

    [Fact]
    public async Task A_second_revocation_changes_nothing_and_says_so()
    {
        var (id, _) = await ConnectAsync("u-5");
        await RevokeAsync(id);
        var revokedAt = (await ReadAsync(id)).RevokedAt;
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await RevokeAsync(id);

        Assert.Equal("revoked", again.GetProperty("status").GetString());
        Assert.Equal(("already_revoked", null), Steps(again)["blocked"]);
        Assert.Equal(("already_gone", null), Steps(again)["nango_delete"]);
        Assert.Equal(revokedAt, (await ReadAsync(id)).RevokedAt);
        await using var db = await NewDbAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == AuditActions.ConnectionRevoked && a.TargetId == id.ToString()));
    }

    [Fact]
    public async Task Concurrent_revocations_block_and_delete_exactly_once()
    {
        var (id, _) = await ConnectAsync("u-6");

        var both = await Task.WhenAll(RevokeAsync(id), RevokeAsync(id));

        Assert.Equal(1, both.Count(r => Steps(r)["blocked"].Outcome == "done"));
        Assert.Equal(1, both.Count(r => Steps(r)["nango_delete"].Outcome == "done"));
        Assert.All(both, r => Assert.Contains(Steps(r)["nango_delete"].Outcome, new[] { "done", "already_gone" }));
    }

    [Fact]
    public async Task A_stale_copy_of_the_connection_cannot_overwrite_the_revocation()
    {
        var (id, _) = await ConnectAsync("u-7");
        await using var stale = await NewDbAsync();
        var connection = await stale.Connections.SingleAsync(c => c.Id == id); // read as active, before the revocation

        await RevokeAsync(id);
        connection.MarkErrored("refresh failing", Clock.GetUtcNow());

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
        Assert.Equal(ConnectionStatus.Revoked, (await ReadAsync(id)).Status);
    }

    [Fact]
    public async Task An_unknown_connection_is_404()
    {
        using var response = await Api.DeleteAsync($"/api/v1/connections/{Guid.CreateVersion7()}");

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "connection_not_found");
    }
}
