using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Core.Leases;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.NangoSync;

/// <summary>Reconciliation against the sandbox's connection list, with webhooks off (the sandbox has no URL).</summary>
public class ReconciliationTests : SandboxedApp
{
    private async Task<ReconcileReport?> RunJobOnceAsync() =>
        await App.Services.GetRequiredService<NangoSyncJob>().RunOnceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

    private async Task<(string SessionId, string NangoId)> ConnectWithoutReportingAsync(string endUser)
    {
        var (sessionId, _, nangoId) = await ConnectInNangoOnlyAsync(
            new { end_user = new { id = endUser }, integration = "sandbox-crm", connection_config = new { subdomain = "acme" } }, "k-" + endUser);
        return (sessionId, nangoId);
    }

    [Fact]
    public async Task One_cycle_finds_the_missed_connection_and_completes_its_session()
    {
        var (sessionId, _) = await ConnectWithoutReportingAsync("u-1");

        var report = await RunJobOnceAsync();

        Assert.Equal(1, report!.Created);
        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{sessionId}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
        var again = await RunJobOnceAsync();
        Assert.Equal(0, again!.Created);
    }

    [Fact]
    public async Task A_connection_deleted_in_nango_is_revoked_externally_and_audited()
    {
        var (_, nangoId) = await ConnectWithoutReportingAsync("u-2");
        await RunJobOnceAsync();

        await DeleteInNangoAsync(nangoId, "sandbox-crm");
        var report = await RunJobOnceAsync();

        Assert.Equal(1, report!.RevokedExternally);
        var connection = Assert.Single((await Api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-2")).EnumerateArray());
        Assert.Equal("revoked", connection.GetProperty("status").GetString());
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CybrLinkDbContext>();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == AuditActions.ConnectionRevokedExternally));
    }

    [Fact]
    public async Task A_failing_refresh_in_nangos_errors_marks_the_connection_error()
    {
        var session = await CreateConnectSessionAsync(new { end_user = new { id = "u-3" }, integration = "sandbox-mail" });
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConnectFlow>().OpenAsync(session.GetProperty("token").GetString()!);
        }

        // An OAuth connection made outside the browser flow (import), tagged like CybrLink's, whose refresh then fails.
        var tags = new Dictionary<string, string> { ["cybrlink_session_id"] = session.GetProperty("id").GetString()!, ["end_user_id"] = "u-3" };
        await ImportOAuthIntoNangoAsync("sandbox-mail", "mail-3", tags);
        await RunJobOnceAsync();
        await BreakRefreshInNangoAsync("sandbox-mail", "mail-3");

        var report = await RunJobOnceAsync();

        Assert.Equal(1, report!.Errored);
        var connection = Assert.Single((await Api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-3")).EnumerateArray());
        Assert.Equal("error", connection.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nango_down_skips_the_pass_without_revoking_anything()
    {
        var (_, _) = await ConnectWithoutReportingAsync("u-4");
        await RunJobOnceAsync();

        await Sandbox.Control.FailApiAsync();
        var report = await RunJobOnceAsync();
        await Sandbox.Control.ResetAsync();

        Assert.Null(report);
        var connection = Assert.Single((await Api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-4")).EnumerateArray());
        Assert.Equal("active", connection.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nangos_rate_limit_pauses_the_job_for_the_retry_after_it_gave()
    {
        await RunJobOnceAsync();
        await Sandbox.Control.SetRateLimitAsync(1);
        using (var spend = new HttpRequestMessage(HttpMethod.Get, Sandbox.BaseUrl + "/integrations"))
        {
            spend.Headers.Authorization = new("Bearer", Sandbox.Options.SecretKey);
            (await NangoHttp.SendAsync(spend)).EnsureSuccessStatusCode();
        }

        var limited = await RunJobOnceAsync();
        await Sandbox.Control.ResetAsync();
        var stillWaiting = await RunJobOnceAsync();
        Clock.Advance(TimeSpan.FromSeconds(61));
        var resumed = await RunJobOnceAsync();

        Assert.Null(limited);
        Assert.Null(stillWaiting); // Nango has room again, but the job waits as long as Nango said
        Assert.NotNull(resumed);
        Assert.Contains(App.Logs.Lines, l => l.Contains("DEFAULT_RATE_LIMIT_PER_MIN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overdue_sessions_are_expired_and_audited()
    {
        var id = (await CreateConnectSessionAsync(new { end_user = new { id = "u-5" }, integration = "sandbox-mail", expires_in_minutes = 5 }))
            .GetProperty("id").GetString()!;
        Clock.Advance(TimeSpan.FromMinutes(6));

        var report = await RunJobOnceAsync();

        Assert.Equal(1, report!.SessionsExpired);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CybrLinkDbContext>();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == AuditActions.SessionExpired && a.TargetId == id));
    }

    [Fact]
    public async Task Only_one_instance_holds_the_lease_until_it_expires()
    {
        var dbFactory = App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        var first = new LeaseService(dbFactory, Clock);
        var second = new LeaseService(dbFactory, Clock);

        Assert.True(await first.TryAcquireAsync("test", TimeSpan.FromSeconds(30)));
        Assert.False(await second.TryAcquireAsync("test", TimeSpan.FromSeconds(30)));
        Assert.True(await first.TryAcquireAsync("test", TimeSpan.FromSeconds(30))); // renewal by the holder

        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await second.TryAcquireAsync("test", TimeSpan.FromSeconds(30)));
        Assert.False(await first.TryAcquireAsync("test", TimeSpan.FromSeconds(30)));

    }
}
