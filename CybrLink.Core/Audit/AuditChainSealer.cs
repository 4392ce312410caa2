using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Audit;

/// <summary>
/// Hashes the audit events written before the chain existed (the ConsoleAudit migration numbers them by time and leaves
/// their hashes empty). Runs after every migrate; once the chain is sealed it only checks the head.
/// </summary>
public static class AuditChainSealer
{
    public static async Task<int> SealLegacyEventsAsync(CybrLinkDbContext db, CancellationToken ct = default)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, ct);
        if (head.LastSequence == 0 || head.LastHash != AuditChainHead.GenesisHash)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(AuditChain.LockSql, ct);
        var previous = AuditChainHead.GenesisHash;
        var sealedCount = 0;
        using var hasher = new AuditChainHash();
        // Note: the one update of audit rows besides retention's delete, and only of rows that never had a hash.
        foreach (var e in await db.AuditEvents.AsNoTracking().Where(e => e.Hash == "").OrderBy(e => e.Sequence).ToListAsync(ct))
        {
            var hash = hasher.Compute(previous, AuditEventContent.Of(e));
            await db.AuditEvents.Where(x => x.Id == e.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.PreviousHash, previous).SetProperty(x => x.Hash, hash), ct);
            previous = hash;
            sealedCount++;
        }

        await db.AuditChainHeads.Where(h => h.Id == AuditChainHead.RowId).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastHash, previous), ct);
        await transaction.CommitAsync(ct);
        return sealedCount;
    }
}
