using System.Reflection;
using System.Threading.Channels;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentCalls;

/// <summary>The audit row of an agent call could not be committed; the call must not be answered as if it were.</summary>
public sealed class AgentCallNotRecordedException(Exception inner)
    : Exception("The agent call's audit row could not be written to the database.", inner);

/// <summary>
/// Writes agent-call audit rows with group commit: callers queue rows, one loop takes whatever is queued (up to
/// <c>AgentCalls:MaxBatch</c>), writes it in one transaction and completes every caller at once, so many concurrent
/// calls share one commit. <see cref="RecordAsync"/> completes only when its row is committed.
/// </summary>
/// <remarks>
/// Note: a hosted service with its own loop rather than a <see cref="BackgroundService"/>: BackgroundService starts
/// ExecuteAsync with <c>Task.Run(…, stoppingToken)</c>, so a stop that comes right after the start cancels the loop
/// before it runs, and every queued caller would wait forever. Here the loop always runs until the queue is drained.
/// </remarks>
public sealed partial class AgentCallWriter : IHostedService
{
    private readonly IDbContextFactory<CybrLinkDbContext> _dbFactory;
    private readonly AgentCallOptions _options;
    private readonly ILogger<AgentCallWriter> _logger;
    private readonly AgentCallFeed _feed;
    private readonly Channel<Work> _queue;
    private IReadOnlyList<(PropertyInfo Property, int MaxLength)>? _stringLimits;
    private Task? _loop;
    private long _commits;

    public AgentCallWriter(
        IDbContextFactory<CybrLinkDbContext> dbFactory, IOptions<AgentCallOptions> options, AgentCallFeed feed, ILogger<AgentCallWriter> logger)
    {
        _dbFactory = dbFactory;
        _feed = feed;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Transactions that committed call rows so far: fewer than the rows when calls arrive together.</summary>
    public long CommittedBatches => Interlocked.Read(ref _commits);

    /// <summary>
    /// Queues the row and completes once it is committed. Waits while the queue is full (a row is never dropped).
    /// Faults with <see cref="AgentCallNotRecordedException"/> when the database refused it after the retries.
    /// Cancelling <paramref name="ct"/> stops the waiting, not the write of a row already queued.
    /// </summary>
    public async Task RecordAsync(AgentCall call, CancellationToken ct = default)
    {
        if (call.Id == Guid.Empty)
        {
            // Version 7: ids order by time, which is what the list pages by.
            call.Id = Guid.CreateVersion7();
        }

        var insert = new Insert(call, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(insert, ct);
        }
        catch (ChannelClosedException)
        {
            // Stopping: the loop has drained the queue. A request still in flight gets its row written on its own.
            await WriteInsertsAsync([insert]);
        }

        await insert.Committed.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Queues a later update of the call's <see cref="AgentCall.BytesOut"/>, written with the next batch. Best effort:
    /// it may land after the answer, and is lost when the queue is full or the writer has stopped.
    /// </summary>
    public void RecordBytesOut(Guid callId, long bytesOut) => _queue.Writer.TryWrite(new BytesOut(callId, bytesOut));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(WriteQueuedAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Closes the queue and waits until everything queued before is written (or the host gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await (_loop ??= Task.Run(WriteQueuedAsync, CancellationToken.None)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out first: say so rather than fail the shutdown.
            LogStoppedEarly(_logger, _queue.Reader.Count);
        }
    }

    private async Task WriteQueuedAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Work>(_options.MaxBatch);
        // Note: no cancellation. StopAsync closes the queue, and the loop ends only once everything queued before
        // that is written: a caller that queued a row is answered with its commit, never abandoned by a shutdown.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var work))
            {
                batch.Add(work);
            }

            await WriteInsertsAsync([.. batch.OfType<Insert>()]);
            await WriteBytesOutAsync([.. batch.OfType<BytesOut>()]);
            batch.Clear();
        }
    }

    /// <summary>One transaction for the whole batch, retried; completes or faults every caller. Never throws.</summary>
    private async Task WriteInsertsAsync(IReadOnlyList<Insert> inserts)
    {
        if (inserts.Count == 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await _dbFactory.CreateDbContextAsync();
                _stringLimits ??= StringLimits(db.Model);
                foreach (var insert in inserts)
                {
                    Fit(insert.Call, _stringLimits);
                    db.AgentCalls.Add(insert.Call);
                }

                await db.SaveChangesAsync();
                Interlocked.Increment(ref _commits);
                foreach (var insert in inserts)
                {
                    insert.Committed.TrySetResult();
                }

                _feed.Publish(inserts.Count);
                return;
            }
            catch (Exception e) when (attempt < _options.WriteAttempts)
            {
                LogRetrying(_logger, inserts.Count, attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(_options.RetryDelayMilliseconds * (1 << (attempt - 1))));
            }
            catch (Exception e)
            {
                LogFailed(_logger, e, inserts.Count, attempt);
                var failure = new AgentCallNotRecordedException(e);
                foreach (var insert in inserts)
                {
                    insert.Committed.TrySetException(failure);
                }

                return;
            }
        }
    }

    private async Task WriteBytesOutAsync(IReadOnlyList<BytesOut> updates)
    {
        if (updates.Count == 0)
        {
            return;
        }

        try
        {
            // Later updates of the same call win; rows not (yet) written are skipped.
            var latest = updates.GroupBy(u => u.CallId).ToDictionary(g => g.Key, g => g.Last().Bytes);
            var ids = latest.Keys.ToList();
            await using var db = await _dbFactory.CreateDbContextAsync();
            var rows = await db.AgentCalls.Where(c => ids.Contains(c.Id)).ToListAsync();
            foreach (var row in rows)
            {
                row.BytesOut = latest[row.Id];
            }

            await db.SaveChangesAsync();
        }
        catch (Exception e)
        {
            LogBytesOutLost(_logger, updates.Count, e.GetType().Name);
        }
    }

    // Note: an audit row must never fail on a too-long value (a long path, a long end-user id): the row is what a
    // security reviewer reads, and losing it would turn the agent's answer into a 503. Values are cut to the column.
    private static void Fit(AgentCall call, IReadOnlyList<(PropertyInfo Property, int MaxLength)> limits)
    {
        foreach (var (property, max) in limits)
        {
            if (property.GetValue(call) is string { Length: var length } value && length > max)
            {
                property.SetValue(call, value[..max]);
            }
        }
    }

    private static List<(PropertyInfo, int)> StringLimits(IModel model) =>
    [
        .. model.FindEntityType(typeof(AgentCall))!.GetProperties()
            .Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is not null && p.PropertyInfo is not null)
            .Select(p => (p.PropertyInfo!, p.GetMaxLength()!.Value)),
    ];

    private abstract record Work;

    private sealed record Insert(AgentCall Call, TaskCompletionSource Committed) : Work;

    private sealed record BytesOut(Guid CallId, long Bytes) : Work;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} agent-call rows failed on attempt {Attempt} ({Error}); retrying")]
    private static partial void LogRetrying(ILogger logger, int count, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} agent-call rows failed after {Attempts} attempts; those calls are answered 503")]
    private static partial void LogFailed(ILogger logger, Exception exception, int count, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown did not wait for the agent-call writer; {Count} queued rows may not be written")]
    private static partial void LogStoppedEarly(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost {Count} bytes-out updates of agent calls ({Error})")]
    private static partial void LogBytesOutLost(ILogger logger, int count, string error);
}
