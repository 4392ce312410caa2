using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.EndUsers;

/// <summary>What offboarding an end user did: each connection's revocation, and how many agent tokens it revoked.</summary>
public sealed record OffboardingResult(string EndUserId, IReadOnlyList<RevocationResult> Connections, int AgentTokensRevoked);

/// <summary>
/// Offboards an end user: revokes every agent token bound to them and every one of their connections (each through
/// <see cref="ConnectionRevoker"/>), and audits <c>end_user.offboarded</c>. Repeating it is harmless.
/// </summary>
public sealed class EndUserOffboarder(
    IDbContextFactory<CybrLinkDbContext> dbFactory, ConnectionRevoker revoker, AuditLog audit, TimeProvider time)
{
    /// <returns>What was done, or null when CybrLink has never seen that end user (no record, connection or token).</returns>
    public async Task<OffboardingResult?> OffboardAsync(string endUserId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connectionIds = await db.Connections.AsNoTracking()
            .Where(c => c.EndUserId == endUserId)
            .OrderBy(c => c.CreatedAt)
            .Select(c => c.Id)
            .ToListAsync(ct);
        var known = connectionIds.Count > 0
            || await db.EndUsers.AnyAsync(u => u.Id == endUserId, ct)
            || await db.AgentTokens.AnyAsync(t => t.EndUserId == endUserId, ct);
        if (!known)
        {
            return null;
        }

        // Tokens first: one statement, and every agent token for this person stops working at once, before the
        // slower per-connection work (each of which also calls Nango).
        var tokensRevoked = await RevokeAgentTokensAsync(db, endUserId, ct);
        var connections = new List<RevocationResult>(connectionIds.Count);
        foreach (var id in connectionIds)
        {
            // A connection removed meanwhile has nothing left to revoke.
            if (await revoker.RevokeAsync(id, actor, ct) is { } result)
            {
                connections.Add(result);
            }
        }

        var failed = connections.Count(c => c.Steps.Any(s => s.Outcome == RevocationOutcomes.Failed));
        audit.Add(db, AuditActions.EndUserOffboarded, actor, AuditTarget.EndUser(endUserId),
            $"connections={connections.Count} nango_delete_failed={failed} agent_tokens_revoked={tokensRevoked}");
        await db.SaveChangesAsync(ct);
        return new OffboardingResult(endUserId, connections, tokensRevoked);
    }

    private async Task<int> RevokeAgentTokensAsync(CybrLinkDbContext db, string endUserId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return await db.AgentTokens
            .Where(t => t.EndUserId == endUserId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }
}
