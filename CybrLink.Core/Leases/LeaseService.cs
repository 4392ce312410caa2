using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Leases;

/// <summary>Database leases: works the same on SQLite and PostgreSQL (one conditional UPDATE, or an INSERT).</summary>
public sealed class LeaseService(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    /// <summary>This process's identity as a lease holder.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <returns>True when this process holds the lease <paramref name="name"/> until now + <paramref name="duration"/>.</returns>
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var until = now + duration;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var taken = await db.Leases
            .Where(l => l.Name == name && (l.Holder == Holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, Holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
        {
            return true;
        }

        if (await db.Leases.AnyAsync(l => l.Name == name, ct))
        {
            return false;
        }

        db.Leases.Add(new Lease { Name = name, Holder = Holder, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance inserted the row first: it holds the lease.
            return false;
        }
    }
}
