using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.SystemState;

/// <summary>Reads and sets <see cref="SystemStateEntry"/> rows: one UPDATE (or a first INSERT) per set, on any provider.</summary>
public sealed class SystemStateStore(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    public async Task SetAsync(string key, string? value, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        value = value is { Length: > SystemStateEntry.MaxValueLength } ? value[..SystemStateEntry.MaxValueLength] : value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await UpdateAsync(db, key, value, now, ct))
        {
            return;
        }

        db.SystemState.Add(new SystemStateEntry { Key = key, Value = value, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance inserted the key first: set it over theirs.
            await UpdateAsync(db, key, value, now, ct);
        }
    }

    /// <summary>The entries of these keys that have been set (missing keys are absent).</summary>
    public async Task<IReadOnlyDictionary<string, SystemStateEntry>> GetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SystemState.AsNoTracking().Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, StringComparer.Ordinal, ct);
    }

    private static async Task<bool> UpdateAsync(CybrLinkDbContext db, string key, string? value, DateTimeOffset now, CancellationToken ct) =>
        await db.SystemState.Where(s => s.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Value, value).SetProperty(e => e.UpdatedAt, now), ct) > 0;
}
