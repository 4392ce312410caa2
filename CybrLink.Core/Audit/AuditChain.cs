using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace CybrLink.Core.Audit;

/// <summary>
/// Extends the hash chain with the audit events a unit of work adds. Called only by <see cref="CybrLinkDbContext"/>'s
/// SaveChanges, inside the transaction that saves them, so an event gets its number exactly when it is committed.
/// </summary>
internal static class AuditChain
{
    /// <summary>
    /// The chain lock: a no-op update of the head row. It takes SQLite's write lock (the whole database) and PostgreSQL's
    /// row lock, held until the transaction ends, so writers in any process number their events one after another.
    /// </summary>
    internal const string LockSql = "UPDATE audit_chain_head SET last_sequence = last_sequence WHERE id = 1";

    public static List<AuditEvent> NewEvents(CybrLinkDbContext db)
    {
        var entries = db.ChangeTracker.Entries<AuditEvent>().ToList();
        // Note: append-only. Retention deletes with ExecuteDelete (AuditRetention); nothing else may change a saved event.
        if (entries.Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit events are append-only: a saved event cannot be changed or deleted.");
        }

        // Stable sort: events added in the same instant keep the order they were added in.
        return entries.Where(e => e.State == EntityState.Added).Select(e => e.Entity).OrderBy(e => e.At).ToList();
    }

    public static async Task ExtendAsync(CybrLinkDbContext db, List<AuditEvent> events, CancellationToken ct)
    {
        if (await db.Database.ExecuteSqlRawAsync(LockSql, ct) != 1)
        {
            throw MissingHead();
        }

        var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, ct);
        var (sequence, hash) = Number(events, head);
        await db.AuditChainHeads.Where(h => h.Id == AuditChainHead.RowId)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSequence, sequence).SetProperty(h => h.LastHash, hash), ct);
    }

    public static void Extend(CybrLinkDbContext db, List<AuditEvent> events)
    {
        if (db.Database.ExecuteSqlRaw(LockSql) != 1)
        {
            throw MissingHead();
        }

        var head = db.AuditChainHeads.AsNoTracking().Single(h => h.Id == AuditChainHead.RowId);
        var (sequence, hash) = Number(events, head);
        db.AuditChainHeads.Where(h => h.Id == AuditChainHead.RowId)
            .ExecuteUpdate(s => s.SetProperty(h => h.LastSequence, sequence).SetProperty(h => h.LastHash, hash));
    }

    private static (long Sequence, string Hash) Number(List<AuditEvent> events, AuditChainHead head)
    {
        var sequence = head.LastSequence;
        var hash = head.LastHash;
        using var hasher = new AuditChainHash();
        foreach (var e in events)
        {
            // A retried save renumbers from the head it reads now: the values of a rolled-back attempt are overwritten.
            e.Sequence = ++sequence;
            e.PreviousHash = hash;
            e.Hash = hash = hasher.Compute(e.PreviousHash, AuditEventContent.Of(e));
        }

        return (sequence, hash);
    }

    private static InvalidOperationException MissingHead() =>
        new("The audit chain head (table audit_chain_head, row id 1) is missing: run 'migrate'.");
}
