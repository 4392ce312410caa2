using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ServerKeys;

public sealed record ServerKeySummary(
    Guid Id, string Name, string DisplayPrefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt, string? CreatedBy);

/// <summary>The plain key exists only in this value, returned once at creation.</summary>
public sealed record CreatedServerKey(ServerKeySummary Key, string Token);

public sealed record AuthenticatedServerKey(Guid Id, string Name);

public sealed class ServerKeyService(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    public const int MaxNameLength = 100;

    // Writing "last used" on every request would turn each API call into a write; a minute is precise enough.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedServerKey> CreateAsync(string name, string? createdBy, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A key name has 1 to {MaxNameLength} characters.", nameof(name));
        }

        var token = SecretTokens.Generate(ServerKey.TokenPrefix);
        var key = new ServerKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            DisplayPrefix = token[..ServerKey.DisplayPrefixLength],
            SecretHash = SecretTokens.Hash(token),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ServerKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new CreatedServerKey(ToSummary(key), token);
    }

    public async Task<IReadOnlyList<ServerKeySummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ServerKeys.AsNoTracking().ToListAsync(ct);
        return [.. keys.OrderByDescending(k => k.CreatedAt).Select(ToSummary)];
    }

    /// <returns>False when no active key has that id.</returns>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var changed = await db.ServerKeys
            .Where(k => k.Id == id && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        return changed == 1;
    }

    /// <summary>Finds the active key a bearer token belongs to, or null.</summary>
    public async Task<AuthenticatedServerKey?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        if (!SecretTokens.HasShape(token, ServerKey.TokenPrefix))
        {
            return null;
        }

        // Note: the lookup goes by the non-secret display prefix; the secret part is then compared as a hash in
        // constant time, so response timing says nothing about how much of a guessed key was right.
        var displayPrefix = token[..ServerKey.DisplayPrefixLength];
        var hash = SecretTokens.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.ServerKeys
            .Where(k => k.DisplayPrefix == displayPrefix && k.RevokedAt == null)
            .ToListAsync(ct);
        var key = candidates.FirstOrDefault(k => SecretTokens.HashesEqual(k.SecretHash, hash));
        if (key is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }

        return new AuthenticatedServerKey(key.Id, key.Name);
    }

    private static ServerKeySummary ToSummary(ServerKey k) =>
        new(k.Id, k.Name, k.DisplayPrefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.CreatedBy);
}
