using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CybrLink.Tests.AgentCalls;

/// <summary>The group-commit writer of agent-call audit rows, on the host's database.</summary>
public class AgentCallWriterTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public AgentCallWriterTests() => _app = new CybrLinkAppFactory(new Dictionary<string, string?>
    {
        ["AgentCalls:WriteAttempts"] = "2",
        ["AgentCalls:RetryDelayMilliseconds"] = "0",
    }, provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private AgentCallWriter Writer => _app.Services.GetRequiredService<AgentCallWriter>();

    private IDbContextFactory<CybrLinkDbContext> DbFactory => _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<bool> IsCommittedAsync(Guid id)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.AgentCalls.AnyAsync(c => c.Id == id);
    }

    private async Task<int> CountAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.AgentCalls.CountAsync();
    }

    private AgentCallWriter PrivateWriter(int maxBatch = 256, AgentCallFeed? feed = null) =>
        new(DbFactory, Options.Create(new AgentCallOptions { MaxBatch = maxBatch }), feed ?? new AgentCallFeed(NullLogger<AgentCallFeed>.Instance),
            NullLogger<AgentCallWriter>.Instance);

    [Fact]
    public async Task The_feed_hears_of_each_commit_after_its_rows_are_readable_and_a_failing_listener_changes_nothing()
    {
        var feed = new AgentCallFeed(NullLogger<AgentCallFeed>.Instance);
        var heard = new List<(int Count, bool Readable)>();
        var call = AgentCallRows.New(id: Guid.CreateVersion7());
        feed.Recorded += _ => throw new InvalidOperationException("a closed tab");
        feed.Recorded += count => heard.Add((count, IsCommittedAsync(call.Id).GetAwaiter().GetResult()));
        var writer = PrivateWriter(feed: feed);
        await writer.StartAsync(CancellationToken.None);

        await writer.RecordAsync(call);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal([(1, true)], heard);
    }

    [Fact]
    public async Task Five_hundred_concurrent_calls_are_each_committed_when_their_task_completes_in_fewer_commits()
    {
        var writer = Writer;
        var commitsBefore = writer.CommittedBatches;

        var committed = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            var call = AgentCallRows.New();
            await writer.RecordAsync(call);
            // Read from another connection the moment the caller is released: the row must already be there.
            return await IsCommittedAsync(call.Id);
        }));

        Assert.All(committed, c => Assert.True(c));
        Assert.Equal(500, await CountAsync());
        var commits = writer.CommittedBatches - commitsBefore;
        // Group commit: calls that arrive together share a transaction, and no transaction holds more than MaxBatch (256).
        Assert.InRange(commits, 2, 499);
    }

    [Fact]
    public async Task Shutdown_writes_everything_queued_before_it_and_a_late_call_is_still_written()
    {
        var writer = PrivateWriter(maxBatch: 50);
        var calls = Enumerable.Range(0, 300).Select(_ => AgentCallRows.New()).ToList();
        var tasks = calls.Select(c => writer.RecordAsync(c)).ToList();
        Assert.All(tasks, t => Assert.False(t.IsCompleted)); // nothing is answered before its commit

        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        // Committed by the time StopAsync returns; every caller is then released with success.
        Assert.Equal(300, await CountAsync());
        Assert.True(writer.CommittedBatches >= 6); // 300 rows at 50 a batch
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        var late = AgentCallRows.New();
        await writer.RecordAsync(late);
        Assert.True(await IsCommittedAsync(late.Id));
    }

    [Fact]
    public async Task Bytes_out_follow_the_row_in_a_later_batch()
    {
        var writer = PrivateWriter();
        await writer.StartAsync(CancellationToken.None);
        var call = AgentCallRows.New();
        await writer.RecordAsync(call);
        writer.RecordBytesOut(call.Id, 12_345);
        writer.RecordBytesOut(Guid.CreateVersion7(), 7); // a call never written: skipped, harmless
        await writer.StopAsync(CancellationToken.None);

        await using var db = await DbFactory.CreateDbContextAsync();
        Assert.Equal(12_345, (await db.AgentCalls.SingleAsync(c => c.Id == call.Id)).BytesOut);
    }

    [Fact]
    public async Task A_database_that_refuses_the_write_faults_every_waiter_and_the_writer_recovers()
    {
        var writer = Writer;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE agent_calls RENAME TO agent_calls_away");
        }

        var waiters = Enumerable.Range(0, 20).Select(_ => writer.RecordAsync(AgentCallRows.New())).ToList();
        foreach (var waiter in waiters)
        {
            await Assert.ThrowsAsync<AgentCallNotRecordedException>(() => waiter);
        }

        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE agent_calls_away RENAME TO agent_calls");
        }

        var after = AgentCallRows.New();
        await writer.RecordAsync(after);
        Assert.True(await IsCommittedAsync(after.Id));
        Assert.Contains(_app.Logs.Lines, l => l.Contains("answered 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Values_longer_than_their_column_are_cut_so_the_row_is_still_written()
    {
        var call = AgentCallRows.New(path: "/" + new string('a', AgentCall.MaxPathLength + 500), endUserId: new string('u', 400));

        await Writer.RecordAsync(call);

        await using var db = await DbFactory.CreateDbContextAsync();
        var row = await db.AgentCalls.SingleAsync(c => c.Id == call.Id);
        Assert.Equal(AgentCall.MaxPathLength, row.Path!.Length);
        Assert.Equal(255, row.EndUserId!.Length);
    }
}
