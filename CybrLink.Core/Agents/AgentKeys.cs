using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Agents;

/// <summary>An agent's long-lived keys (<c>cbl_agent_…</c>, several for rotation): create one, revoke one.</summary>
public sealed class AgentKeys(IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>A new key for an active agent; the plain key is in the result only.</summary>
    /// <exception cref="AgentValidationException">The name or expiry cannot be accepted.</exception>
    /// <exception cref="AgentProblemException">No such agent, or it is disabled.</exception>
    public async Task<CreatedAgentKey> CreateAsync(
        Guid agentId, CreateAgentKeyCommand command, AuditActor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var valid = AgentValidator.Key(command, now);
        var secret = SecretTokens.Generate(AgentKey.TokenPrefix);
        var key = new AgentKey
        {
            Id = Guid.CreateVersion7(),
            AgentId = agentId,
            Name = valid.Name,
            DisplayPrefix = secret[..AgentKey.DisplayPrefixLength],
            SecretHash = SecretTokens.Hash(secret),
            CreatedAt = now,
            ExpiresAt = valid.ExpiresAt,
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ActiveAgentLock.LockAsync(db, agentId, ct);
        db.AgentKeys.Add(key);
        audit.Add(db, AuditActions.AgentKeyCreated, actor, AuditTarget.AgentKey(key.Id),
            $"agent={agentId} prefix={key.DisplayPrefix}" + (key.ExpiresAt is { } e ? $" expires_at={e:O}" : ""));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedAgentKey(AgentKeyView.Of(key), secret);
    }

    /// <summary>Revokes the agent's key; the next request with it is refused. Revoking a revoked key changes nothing.</summary>
    /// <exception cref="AgentProblemException">The agent has no key with that id.</exception>
    public async Task RevokeAsync(Guid agentId, Guid keyId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.AgentKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.AgentId == agentId, ct)
            ?? throw new AgentProblemException(AgentProblem.KeyNotFound);
        if (key.RevokedAt is not null)
        {
            return;
        }

        key.RevokedAt = time.GetUtcNow();
        audit.Add(db, AuditActions.AgentKeyRevoked, actor, AuditTarget.AgentKey(key.Id), $"agent={agentId} prefix={key.DisplayPrefix}");
        await db.SaveChangesAsync(ct);
    }
}
