using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Audit;

/// <summary>Why a chain does not verify.</summary>
public enum AuditChainBreakKind
{
    /// <summary>The row's fields no longer give its hash: it was edited.</summary>
    ContentChanged,

    /// <summary>The row's previous hash is not the hash of the row before it.</summary>
    PreviousHashMismatch,

    /// <summary>Rows are missing between the last good row and this one (or after the last row).</summary>
    SequenceGap,

    /// <summary>The first row is not the one the head's anchor names, or does not carry the anchor's previous hash.</summary>
    AnchorMismatch,

    /// <summary>Every row verifies, but the newest row's hash is not the one the head recorded.</summary>
    HeadMismatch,
}

/// <summary>The verdict on the audit chain, from the head's anchor to its newest event.</summary>
/// <param name="BrokenSequence">The first broken row's sequence (when not intact).</param>
/// <param name="BrokenId">That row's id; null when the row is missing (a gap at the end).</param>
/// <param name="LastHash">The head's hash: keep it somewhere else to detect a rewrite of the whole chain.</param>
public sealed record AuditChainReport(
    bool Intact, long Count, long? FirstSequence, long? LastSequence, string LastHash,
    long? BrokenSequence = null, Guid? BrokenId = null, AuditChainBreakKind? BreakKind = null, string? Reason = null);

/// <summary>
/// Recomputes the audit chain (docs/audit-chain.md) in sequence order, in keyset batches, so it never holds more than
/// one batch of the table in memory.
/// </summary>
public sealed class AuditChainVerifier(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    public const int BatchSize = 5_000;

    public async Task<AuditChainReport> VerifyAsync(CancellationToken ct = default)
    {
        var (report, anchor) = await VerifyOnceAsync(ct);
        if (report.Intact)
        {
            return report;
        }

        // Retention may have deleted the rows under our feet and moved the anchor: then verify from the new anchor.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = await ReadHeadAsync(db, ct);
        return now.AnchorSequence == anchor ? report : (await VerifyOnceAsync(ct)).Report;
    }

    private async Task<(AuditChainReport Report, long Anchor)> VerifyOnceAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var head = await ReadHeadAsync(db, ct);
        using var hasher = new AuditChainHash();
        var expected = head.AnchorSequence;
        var previous = head.AnchorPreviousHash;
        long count = 0;
        while (expected <= head.LastSequence)
        {
            var after = expected - 1;
            var batch = await db.AuditEvents
                .Where(e => e.Sequence > after && e.Sequence <= head.LastSequence)
                .OrderBy(e => e.Sequence)
                .Take(BatchSize)
                .Select(e => new ChainRow(e.Sequence, e.Id, e.At, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId, e.Detail,
                    e.PreviousHash, e.Hash))
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var row in batch)
            {
                if (Check(row, expected, previous, count == 0, hasher) is { } broken)
                {
                    return (Broken(head, count, row.Sequence, row.Id, broken.Kind, broken.Reason), head.AnchorSequence);
                }

                previous = row.Hash;
                expected++;
                count++;
            }
        }

        if (expected <= head.LastSequence)
        {
            var what = expected == head.LastSequence ? $"row #{expected} is" : $"rows #{expected}..#{head.LastSequence} are";
            var kind = count == 0 ? AuditChainBreakKind.AnchorMismatch : AuditChainBreakKind.SequenceGap;
            return (Broken(head, count, expected, null, kind, $"{what} missing (the chain head says the newest is #{head.LastSequence})"),
                head.AnchorSequence);
        }

        if (count > 0 && previous != head.LastHash)
        {
            return (Broken(head, count, head.LastSequence, null, AuditChainBreakKind.HeadMismatch,
                "the newest row's hash is not the one the chain head recorded"), head.AnchorSequence);
        }

        var report = new AuditChainReport(true, count, count > 0 ? head.AnchorSequence : null, count > 0 ? head.LastSequence : null, head.LastHash);
        return (report, head.AnchorSequence);
    }

    private static (AuditChainBreakKind Kind, string Reason)? Check(ChainRow row, long expected, string previous, bool first, AuditChainHash hasher)
    {
        if (row.Sequence != expected)
        {
            return first
                ? (AuditChainBreakKind.AnchorMismatch, $"the chain should start at the anchor #{expected}, which is missing")
                : (AuditChainBreakKind.SequenceGap, row.Sequence - expected == 1
                    ? $"sequence gap: row #{expected} is missing"
                    : $"sequence gap: rows #{expected}..#{row.Sequence - 1} are missing");
        }

        if (row.PreviousHash != previous)
        {
            return first
                ? (AuditChainBreakKind.AnchorMismatch, "its previous hash is not the anchor's")
                : (AuditChainBreakKind.PreviousHashMismatch, $"its previous hash does not match the hash of row #{expected - 1}");
        }

        var content = new AuditEventContent(row.Sequence, row.Id, row.At.UtcTicks, row.Action, row.ActorType, row.ActorId, row.TargetType,
            row.TargetId, row.Detail);
        return hasher.Compute(row.PreviousHash, content) == row.Hash
            ? null
            : (AuditChainBreakKind.ContentChanged, "content changed: its fields do not match its hash");
    }

    private static AuditChainReport Broken(
        AuditChainHead head, long count, long sequence, Guid? id, AuditChainBreakKind kind, string reason) =>
        new(false, count, count > 0 ? head.AnchorSequence : null, head.LastSequence, head.LastHash, sequence, id, kind, reason);

    private static Task<AuditChainHead> ReadHeadAsync(CybrLinkDbContext db, CancellationToken ct) =>
        db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, ct);

    private sealed record ChainRow(
        long Sequence, Guid Id, DateTimeOffset At, string Action, string ActorType, string? ActorId, string TargetType, string TargetId,
        string? Detail, string PreviousHash, string Hash);
}
