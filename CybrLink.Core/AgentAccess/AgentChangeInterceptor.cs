using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CybrLink.Core.AgentAccess;

/// <summary>
/// Raises <see cref="AgentToolsSignal"/> once a unit of work that carries a policy or connection audit event (or a catalog change)
/// has committed. Every such change is audited in the same unit of work, so the audit events are the one place to look.
/// </summary>
public sealed class AgentChangeInterceptor(AgentToolsSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Note: raised after the commit, never before: a session told "the tools changed" must find the new state when it lists.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<AgentToolsChange>> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        FlushUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushUnlessInTransaction(eventData.Context);
        return result;
    }

    // A save inside a transaction (the caller's, or the one the audit chain opens) is not committed yet when it returns.
    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void FlushUnlessInTransaction(DbContext? db)
    {
        if (db?.Database.CurrentTransaction is null)
        {
            Flush(db);
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? db)
    {
        if (db is null)
        {
            return;
        }

        var changes = db.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => ChangeOf(e.Entity))
            .OfType<AgentToolsChange>()
            .ToList();
        // The catalog is not audited: a refresh that added, changed or removed an integration concerns every agent.
        if (db.ChangeTracker.Entries<CatalogIntegration>().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            changes.Add(new AgentToolsChange(null, null));
        }

        if (changes.Count > 0)
        {
            _pending.AddOrUpdate(db, changes);
        }
    }

    private void Forget(DbContext? db)
    {
        if (db is not null)
        {
            _pending.Remove(db);
        }
    }

    private void Flush(DbContext? db)
    {
        if (db is null || !_pending.TryGetValue(db, out var changes))
        {
            return;
        }

        _pending.Remove(db);
        foreach (var change in changes.Distinct())
        {
            signal.Raise(change);
        }
    }

    private static AgentToolsChange? ChangeOf(AuditEvent e) => e.Action switch
    {
        PolicyStore.UpdatedAuditAction when Guid.TryParse(e.TargetId, out var agent) => new AgentToolsChange(agent, null),
        _ when e.Action.StartsWith("connection.", StringComparison.Ordinal) && Guid.TryParse(e.TargetId, out var connection)
            => new AgentToolsChange(null, connection),
        _ => null,
    };
}
