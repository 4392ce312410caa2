using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.Audit;

/// <summary>What one retention pass did.</summary>
/// <param name="NewAnchor">The sequence the chain now starts at (verification starts there).</param>
public sealed record AuditPruneResult(long Deleted, long NewAnchor);

/// <summary>
/// Deletes the oldest audit events (<c>Audit:RetentionDays</c>) and re-anchors the chain, so what is left still verifies.
/// The one code path that deletes audit events.
/// </summary>
public sealed class AuditRetention(IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit, IOptions<AuditOptions> options, TimeProvider time)
{
    /// <summary>Prunes by the configured retention; nothing when it is 0 (keep forever).</summary>
    public Task<AuditPruneResult> PruneAsync(CancellationToken ct = default) => options.Value.RetentionDays == 0
        ? Task.FromResult(new AuditPruneResult(0, 0))
        : PruneOlderThanAsync(time.GetUtcNow().AddDays(-options.Value.RetentionDays), ct);

    /// <summary>
    /// Deletes, oldest first, every event before the oldest one at or after <paramref name="cutoff"/> (always keeping the
    /// newest), in batches; then appends <c>audit.pruned</c> through the normal chain path.
    /// </summary>
    public async Task<AuditPruneResult> PruneOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct = default)
    {
        long deleted = 0;
        long anchor;
        while (true)
        {
            var batch = await PruneBatchAsync(cutoff, options.Value.RetentionBatchSize, ct);
            deleted += batch.Deleted;
            anchor = batch.NewAnchor;
            if (batch.Deleted == 0)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            audit.Add(db, AuditActions.AuditPruned, AuditActor.Retention, AuditTarget.AuditLog,
                $"deleted {deleted} events older than {cutoff:yyyy-MM-dd HH:mm} UTC; the chain now starts at #{anchor}");
            await db.SaveChangesAsync(ct);
        }

        return new AuditPruneResult(deleted, anchor);
    }

    private async Task<AuditPruneResult> PruneBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The chain lock: no writer appends, and no other pass prunes, while the anchor moves.
        await db.Database.ExecuteSqlRawAsync(AuditChain.LockSql, ct);
        var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, ct);
        // Note: only a prefix of the chain is ever deleted (everything before one sequence), never rows in the middle,
        // even when clocks made an older row newer than a later one: a hole would read as tampering.
        var keepFrom = await db.AuditEvents.Where(e => e.Sequence >= head.AnchorSequence && e.At >= cutoff)
            .MinAsync(e => (long?)e.Sequence, ct) ?? head.LastSequence;
        if (keepFrom <= head.AnchorSequence)
        {
            return new AuditPruneResult(0, head.AnchorSequence);
        }

        var newAnchor = Math.Min(keepFrom, head.AnchorSequence + batchSize);
        var anchorPreviousHash = await db.AuditEvents.Where(e => e.Sequence == newAnchor).Select(e => e.PreviousHash).SingleOrDefaultAsync(ct);
        if (anchorPreviousHash is null)
        {
            // The chain is already broken there; deleting would hide it. verify-audit names the row.
            throw new InvalidOperationException($"Audit retention stopped: event #{newAnchor} is missing, so the chain cannot be re-anchored there.");
        }

        var deleted = await db.AuditEvents.Where(e => e.Sequence < newAnchor).ExecuteDeleteAsync(ct);
        await db.AuditChainHeads.Where(h => h.Id == AuditChainHead.RowId).ExecuteUpdateAsync(
            s => s.SetProperty(h => h.AnchorSequence, newAnchor).SetProperty(h => h.AnchorPreviousHash, anchorPreviousHash), ct);
        await transaction.CommitAsync(ct);
        return new AuditPruneResult(deleted, newAnchor);
    }
}
