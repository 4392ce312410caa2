using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Audit;

/// <summary>The audit hash chain as the app writes it, verifies it and prunes it, on the host's database.</summary>
public class AuditChainTests : IAsyncLifetime
{
    private CybrLinkAppFactory _app = null!;

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private IDbContextFactory<CybrLinkDbContext> DbFactory => _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();

    private AuditChainVerifier Verifier => _app.Services.GetRequiredService<AuditChainVerifier>();

    public Task InitializeAsync()
    {
        _app = new CybrLinkAppFactory(configureServices: s => s.AddSingleton<TimeProvider>(Clock), provider: DatabaseProvider);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task AddEventAsync(string detail = "d", string action = "test.event")
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _app.Services.GetRequiredService<AuditLog>().Add(db, action, AuditActor.System, AuditTarget.EndUser("u1"), detail);
        await db.SaveChangesAsync();
    }

    private async Task<List<AuditEvent>> AllAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    [Fact]
    public async Task Events_are_numbered_from_one_and_each_hash_chains_to_the_one_before()
    {
        await AddEventAsync("first");
        await AddEventAsync("second");

        var events = await AllAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(AuditChainHead.GenesisHash, events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        Assert.All(events, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        var report = await Verifier.VerifyAsync();
        Assert.True(report.Intact);
        Assert.Equal((2L, 1L, 2L), (report.Count, report.FirstSequence!.Value, report.LastSequence!.Value));
        Assert.Equal(events[1].Hash, report.LastHash);
    }

    [Fact]
    public async Task Eight_parallel_writers_through_real_services_leave_a_contiguous_chain_that_verifies()
    {
        var agents = _app.Services.GetRequiredService<AgentService>();
        // Half the writers join a service's own transaction (agent creation), half let SaveChanges open one.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                if (writer % 2 == 0)
                {
                    await agents.CreateAsync(new CreateAgentCommand($"agent-{writer}-{i}"), AuditActor.System);
                }
                else
                {
                    await AddEventAsync($"writer {writer} event {i}");
                }
            }
        })));

        var events = await AllAsync();
        Assert.Equal(200, events.Count);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), events.Select(e => e.Sequence));
        var report = await Verifier.VerifyAsync();
        Assert.True(report.Intact, report.Reason);
        Assert.Equal(200, report.Count);
    }

    [Fact]
    public async Task An_event_saved_in_a_transaction_that_rolls_back_leaves_no_gap()
    {
        await AddEventAsync("kept");
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            _app.Services.GetRequiredService<AuditLog>().Add(db, "test.rolled_back", AuditActor.System, AuditTarget.EndUser("u1"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await AddEventAsync("after");

        var events = await AllAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.DoesNotContain(events, e => e.Action == "test.rolled_back");
        Assert.True((await Verifier.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Changing_or_deleting_a_saved_event_through_EF_is_refused()
    {
        await AddEventAsync("original");
        await using var db = await DbFactory.CreateDbContextAsync();
        var saved = await db.AuditEvents.SingleAsync();

        saved.Detail = "rewritten";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.Entry(saved).State = EntityState.Deleted;
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.Equal("original", (await AllAsync()).Single().Detail);
    }

    [Fact]
    public async Task An_edited_detail_is_reported_as_changed_content_at_that_row()
    {
        for (var i = 0; i < 5; i++)
        {
            await AddEventAsync($"event {i}");
        }

        var target = (await AllAsync())[2];
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE audit_events SET "Detail" = 'nothing happened' WHERE "Sequence" = 3""");
        }

        var report = await Verifier.VerifyAsync();
        Assert.False(report.Intact);
        Assert.Equal((3L, target.Id, AuditChainBreakKind.ContentChanged), (report.BrokenSequence!.Value, report.BrokenId!.Value, report.BreakKind!.Value));
    }

    [Fact]
    public async Task A_deleted_middle_row_is_a_gap_and_a_deleted_newest_row_is_missing()
    {
        for (var i = 0; i < 5; i++)
        {
            await AddEventAsync($"event {i}");
        }

        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM audit_events WHERE "Sequence" IN (3, 5)""");
        }

        var report = await Verifier.VerifyAsync();
        Assert.False(report.Intact);
        Assert.Equal((4L, AuditChainBreakKind.SequenceGap), (report.BrokenSequence!.Value, report.BreakKind!.Value));
        Assert.Contains("#3 is missing", report.Reason);
    }

    [Fact]
    public async Task A_rehashed_edit_still_breaks_the_link_to_the_next_row()
    {
        for (var i = 0; i < 3; i++)
        {
            await AddEventAsync($"event {i}");
        }

        // A forger who edits row 2 and recomputes its hash correctly still cannot make row 3 point at it.
        var row = (await AllAsync())[1];
        row.Detail = "forged";
        var forgedHash = AuditChainHash.Of(row.PreviousHash, AuditEventContent.Of(row));
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""UPDATE audit_events SET "Detail" = 'forged', "Hash" = {forgedHash} WHERE "Sequence" = 2""");
        }

        var report = await Verifier.VerifyAsync();
        Assert.Equal((3L, AuditChainBreakKind.PreviousHashMismatch), (report.BrokenSequence!.Value, report.BreakKind!.Value));
    }

    [Fact]
    public async Task Retention_deletes_the_oldest_events_re_anchors_and_the_rest_still_verifies()
    {
        for (var i = 0; i < 10; i++)
        {
            await AddEventAsync($"day {i}");
            Clock.Advance(TimeSpan.FromDays(1));
        }

        var retention = _app.Services.GetRequiredService<AuditRetention>();
        var cutoff = new DateTimeOffset(2030, 1, 5, 0, 0, 0, TimeSpan.Zero); // events of days 0..3 are older

        var result = await retention.PruneOlderThanAsync(cutoff);

        Assert.Equal((4L, 5L), (result.Deleted, result.NewAnchor));
        var events = await AllAsync();
        Assert.Equal(Enumerable.Range(5, 7).Select(i => (long)i), events.Select(e => e.Sequence));
        var pruned = events[^1];
        Assert.Equal(AuditActions.AuditPruned, pruned.Action);
        Assert.Contains("deleted 4 events", pruned.Detail);
        Assert.Contains("#5", pruned.Detail);
        var report = await Verifier.VerifyAsync();
        Assert.True(report.Intact, report.Reason);
        Assert.Equal((7L, 5L, 11L), (report.Count, report.FirstSequence!.Value, report.LastSequence!.Value));

        // Nothing older than the cutoff is left: a second pass deletes nothing and appends nothing.
        Assert.Equal(0, (await retention.PruneOlderThanAsync(cutoff)).Deleted);
        Assert.Equal(7, (await AllAsync()).Count);
    }

    [Fact]
    public async Task Retention_in_small_batches_keeps_the_chain_verifiable_and_always_keeps_the_newest_event()
    {
        await using var app = new CybrLinkAppFactory(
            new Dictionary<string, string?> { ["Audit:RetentionBatchSize"] = "2" },
            configureServices: s => s.AddSingleton<TimeProvider>(Clock), provider: DatabaseProvider);
        var db = app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        for (var i = 0; i < 7; i++)
        {
            await using var context = await db.CreateDbContextAsync();
            app.Services.GetRequiredService<AuditLog>().Add(context, "test.event", AuditActor.System, AuditTarget.EndUser("u1"));
            await context.SaveChangesAsync();
        }

        Clock.Advance(TimeSpan.FromDays(30));
        var result = await app.Services.GetRequiredService<AuditRetention>().PruneOlderThanAsync(Clock.GetUtcNow());

        Assert.Equal((6L, 7L), (result.Deleted, result.NewAnchor));
        var report = await app.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        Assert.True(report.Intact, report.Reason);
        Assert.Equal((2L, 7L, 8L), (report.Count, report.FirstSequence!.Value, report.LastSequence!.Value));
    }

    [Fact]
    public async Task The_retention_job_does_nothing_when_retention_is_keep_forever()
    {
        await AddEventAsync();
        Clock.Advance(TimeSpan.FromDays(3650));

        var result = await _app.Services.GetRequiredService<AuditRetentionJob>().RunOnceAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(0, result!.Deleted);
        Assert.Single(await AllAsync());
    }
}
