using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Reporting;
using CybrLink.Core.SystemState;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Reporting;

/// <summary>The overview's numbers, aggregated in SQL, from a seeded database (SQLite here; PostgreSQL in OnPostgres.cs).</summary>
public class OverviewQueryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(OverviewSeed.Now);
    private readonly CybrLinkAppFactory _app;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public OverviewQueryTests() =>
        _app = new CybrLinkAppFactory(configureServices: s => s.AddSingleton<TimeProvider>(_clock), provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        await OverviewSeed.AddAsync(db);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<OverviewNumbers> LoadAsync() => _app.Services.GetRequiredService<OverviewQuery>().LoadAsync();

    [Fact]
    public async Task Connections_are_counted_by_status_and_live_ones_by_integration()
    {
        var numbers = await LoadAsync();

        Assert.Equal(3, numbers.ConnectionsByStatus[ConnectionStatus.Active]);
        Assert.Equal(1, numbers.ConnectionsByStatus[ConnectionStatus.Error]);
        Assert.Equal(2, numbers.ConnectionsByStatus[ConnectionStatus.Revoked]);
        Assert.Equal([new CountByKey("sandbox-mail", 3), new CountByKey("sandbox-crm", 1)], numbers.LiveConnectionsByIntegration);
        Assert.Equal(0, numbers.LiveConnectionsInOtherIntegrations);
    }

    [Fact]
    public async Task Sessions_per_day_split_completed_failed_and_expired_over_the_last_seven_days()
    {
        var numbers = await LoadAsync();

        Assert.Equal(7, numbers.SessionsPerDay.Count);
        Assert.Equal(new SessionDay(new DateOnly(2026, 3, 14), Completed: 2, Failed: 1, Expired: 2), numbers.SessionsPerDay[^1]);
        Assert.Equal(new SessionDay(new DateOnly(2026, 3, 12), 1, 0, 0), numbers.SessionsPerDay[^3]);
        // Ten days ago is outside the week.
        Assert.Equal(3, numbers.SessionsPerDay.Sum(d => d.Completed));
        Assert.Equal(new DateOnly(2026, 3, 8), numbers.SessionsPerDay[0].Day);
    }

    [Fact]
    public async Task Calls_per_day_by_decision_and_the_top_agents_and_integrations_cover_the_week_only()
    {
        var numbers = await LoadAsync();

        Assert.Equal(new CallDay(new DateOnly(2026, 3, 14), Allowed: 3, Denied: 1, Refused: 1), numbers.CallsPerDay[^1]);
        Assert.Equal(new CallDay(new DateOnly(2026, 3, 13), 2, 0, 0), numbers.CallsPerDay[^2]);
        Assert.Equal(5, numbers.CallsPerDay.Sum(d => d.Allowed));
        Assert.Equal(
            [new AgentCallCountByAgent(OverviewSeed.AgentA, "mail-assistant", 4), new AgentCallCountByAgent(OverviewSeed.AgentB, "crm-bot", 3)],
            numbers.TopAgents);
        Assert.Equal([new CountByKey("sandbox-mail", 6), new CountByKey("sandbox-crm", 1)], numbers.TopIntegrations);
    }

    [Fact]
    public async Task Nango_times_are_those_last_recorded()
    {
        Assert.Null((await LoadAsync()).LastWebhook);

        var state = _app.Services.GetRequiredService<SystemStateStore>();
        await state.SetAsync(SystemStateKeys.LastWebhook, "auth creation");
        _clock.Advance(TimeSpan.FromMinutes(3));
        await state.SetAsync(SystemStateKeys.LastWebhook, "auth refresh");
        await state.SetAsync(SystemStateKeys.LastReconciliation, "2 listed");

        var numbers = await LoadAsync();
        Assert.Equal(new RecordedTime(OverviewSeed.Now.AddMinutes(3), "auth refresh"), numbers.LastWebhook);
        Assert.Equal(new RecordedTime(OverviewSeed.Now.AddMinutes(3), "2 listed"), numbers.LastReconciliation);
    }
}
