using System.Text.Json;
using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Agents;

/// <summary>
/// Checks an agent credential on every agent request: an agent key (<c>cbl_agent_…</c>) or an end-user-bound token
/// (<c>cbl_at_…</c>), of an active agent, not revoked and not expired. One read per request, no cache.
/// </summary>
public sealed class AgentCredentials(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    // Writing "last used" on every request would turn each agent call into a write; a minute is precise enough.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private sealed record Row(
        Guid Id, string SecretHash, string DisplayPrefix, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
        DateTimeOffset? LastUsedAt, string? EndUserId, string? IntegrationsJson,
        Guid AgentId, string AgentName, AgentStatus AgentStatus);

    /// <summary>The caller a bearer credential proves, or null for anything else (the caller is told nothing more).</summary>
    public async Task<AgentCaller?> AuthenticateAsync(string bearerToken, CancellationToken ct)
    {
        var kind = SecretTokens.HasShape(bearerToken, AgentKey.TokenPrefix) ? AgentCredentialKind.Key
            : SecretTokens.HasShape(bearerToken, AgentToken.TokenPrefix) ? AgentCredentialKind.Token
            : (AgentCredentialKind?)null;
        if (kind is null)
        {
            return null;
        }

        var hash = SecretTokens.Hash(bearerToken);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One read: the credential, found by its unique hash index, joined with its agent.
        var row = kind == AgentCredentialKind.Key
            ? await db.AgentKeys.AsNoTracking().Where(k => k.SecretHash == hash)
                .Join(db.Agents, k => k.AgentId, a => a.Id, (k, a) => new Row(
                    k.Id, k.SecretHash, k.DisplayPrefix, k.ExpiresAt, k.RevokedAt, k.LastUsedAt, null, null, a.Id, a.Name, a.Status))
                .SingleOrDefaultAsync(ct)
            : await db.AgentTokens.AsNoTracking().Where(t => t.SecretHash == hash)
                .Join(db.Agents, t => t.AgentId, a => a.Id, (t, a) => new Row(
                    t.Id, t.SecretHash, t.DisplayPrefix, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.EndUserId, t.IntegrationsJson,
                    a.Id, a.Name, a.Status))
                .SingleOrDefaultAsync(ct);
        var now = time.GetUtcNow();
        // Note: every check is made on this one fresh read, never on a cached answer: a revoke or a disable committed
        // before this request began is seen by it. The database finds the row by the hash (whose bytes a guesser cannot
        // steer); the constant-time compare keeps the final check free of timing even if a lookup ever changes.
        if (row is null
            || !SecretTokens.HashesEqual(row.SecretHash, hash)
            || row.RevokedAt is not null
            || (row.ExpiresAt is { } expires && now >= expires)
            || row.AgentStatus != AgentStatus.Active)
        {
            return null;
        }

        if (row.LastUsedAt is null || now - row.LastUsedAt >= LastUsedResolution)
        {
            await MarkUsedAsync(db, kind.Value, row.Id, now, ct);
        }

        return new AgentCaller(
            row.AgentId, row.AgentName, kind.Value, row.Id, row.DisplayPrefix, row.EndUserId,
            row.IntegrationsJson is null ? null : JsonSerializer.Deserialize<string[]>(row.IntegrationsJson));
    }

    private static async Task MarkUsedAsync(CybrLinkDbContext db, AgentCredentialKind kind, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        // Conditional, so concurrent requests (or instances) write it once a minute between them, not once each.
        var before = now - LastUsedResolution;
        if (kind == AgentCredentialKind.Key)
        {
            await db.AgentKeys.Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
        else
        {
            await db.AgentTokens.Where(t => t.Id == id && (t.LastUsedAt == null || t.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
    }
}
