using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Agents;

/// <summary>
/// End-user-bound agent tokens (<c>cbl_at_…</c>): the operator's backend mints one per end user and short TTL for an
/// agent that runs somewhere less trusted; it can then reach no other end user.
/// </summary>
public sealed class AgentTokens(
    IDbContextFactory<CybrLinkDbContext> dbFactory, CatalogService catalog, AuditLog audit, TimeProvider time)
{
    public const int MaxIntegrationsJsonLength = 4096;

    /// <summary>A new token for an active agent; the plain token is in the result only.</summary>
    /// <exception cref="AgentValidationException">A field cannot be accepted (an unknown integration names <c>integrations[i]</c>).</exception>
    /// <exception cref="AgentProblemException">No such agent, or it is disabled.</exception>
    public async Task<CreatedAgentToken> CreateAsync(
        Guid agentId, CreateAgentTokenCommand command, AuditActor actor, CancellationToken ct = default)
    {
        var (endUserId, lifetime, integrations) = AgentValidator.Token(command);
        var integrationsJson = integrations is null ? null : await IntegrationsJsonAsync(integrations, ct);

        var secret = SecretTokens.Generate(AgentToken.TokenPrefix);
        var now = time.GetUtcNow();
        var token = new AgentToken
        {
            Id = Guid.CreateVersion7(),
            AgentId = agentId,
            EndUserId = endUserId,
            IntegrationsJson = integrationsJson,
            DisplayPrefix = secret[..AgentToken.DisplayPrefixLength],
            SecretHash = SecretTokens.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ActiveAgentLock.LockAsync(db, agentId, ct);
        db.AgentTokens.Add(token);
        audit.Add(db, AuditActions.AgentTokenCreated, actor, AuditTarget.AgentToken(token.Id),
            $"agent={agentId} end_user={endUserId} ttl_seconds={(int)lifetime.TotalSeconds}"
            + (integrations is null ? "" : " integrations=" + string.Join(',', integrations)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedAgentToken(token.Id, secret, token.DisplayPrefix, token.ExpiresAt);
    }

    /// <summary>Revokes the token; the next request with it is refused. Revoking a revoked token changes nothing.</summary>
    /// <exception cref="AgentProblemException">No token has that id.</exception>
    public async Task RevokeAsync(Guid tokenId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.AgentTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct)
            ?? throw new AgentProblemException(AgentProblem.TokenNotFound);
        if (token.RevokedAt is not null)
        {
            return;
        }

        token.RevokedAt = time.GetUtcNow();
        audit.Add(db, AuditActions.AgentTokenRevoked, actor, AuditTarget.AgentToken(token.Id),
            $"agent={token.AgentId} end_user={token.EndUserId}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Revokes every unrevoked token of every agent bound to the end user (offboarding).</summary>
    /// <returns>How many tokens this revoked.</returns>
    public async Task<int> RevokeForEndUserAsync(string endUserId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        // One statement revokes them all (a token minted a moment ago included); the audit rows are written for exactly
        // the rows it changed, found by the revocation time it set.
        var revoked = await db.AgentTokens.Where(t => t.EndUserId == endUserId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        if (revoked == 0)
        {
            return 0;
        }

        var rows = await db.AgentTokens.AsNoTracking()
            .Where(t => t.EndUserId == endUserId && t.RevokedAt == now)
            .Select(t => new { t.Id, t.AgentId })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            audit.Add(db, AuditActions.AgentTokenRevoked, actor, AuditTarget.AgentToken(row.Id),
                $"agent={row.AgentId} end_user={endUserId} reason=end_user_revoked");
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return revoked;
    }

    private async Task<string> IntegrationsJsonAsync(IReadOnlyList<string> integrations, CancellationToken ct)
    {
        for (var i = 0; i < integrations.Count; i++)
        {
            if (await catalog.FindOfferedOrRefreshAsync(integrations[i], ct) is null)
            {
                throw new AgentValidationException($"integrations[{i}]", $"'{integrations[i]}' is not an enabled integration.");
            }
        }

        var json = JsonSerializer.Serialize(integrations);
        return json.Length <= MaxIntegrationsJsonLength
            ? json
            : throw new AgentValidationException("integrations", "The list is too long; name fewer integrations.");
    }
}
