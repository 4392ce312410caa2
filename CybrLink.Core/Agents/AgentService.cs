using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Agents;

/// <summary>
/// Agents as the operator manages them: create, list, read, change, disable. Keys are <see cref="AgentKeys"/>; tokens
/// are <see cref="AgentTokens"/>; checking a credential on a request is <see cref="AgentCredentials"/>.
/// </summary>
public sealed class AgentService(IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <exception cref="AgentValidationException">A field cannot be accepted.</exception>
    /// <exception cref="AgentProblemException">Another agent has that name.</exception>
    public async Task<AgentView> CreateAsync(CreateAgentCommand command, AuditActor actor, CancellationToken ct = default)
    {
        var name = AgentValidator.Name(command.Name);
        var description = AgentValidator.Description(command.Description);
        var now = time.GetUtcNow();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Description = string.IsNullOrEmpty(description) ? null : description,
            Status = AgentStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureNameFreeAsync(db, name, exceptId: null, ct);
        db.Agents.Add(agent);
        audit.Add(db, AuditActions.AgentCreated, actor, AuditTarget.Agent(agent.Id), $"name={name}");
        await SaveAsync(db, name, ct);
        return AgentView.Of(agent, []);
    }

    /// <summary>Every agent (active and disabled), by name, each with its keys.</summary>
    public async Task<IReadOnlyList<AgentView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
        var keys = (await db.AgentKeys.AsNoTracking().ToListAsync(ct)).ToLookup(k => k.AgentId);
        return [.. agents.Select(a => AgentView.Of(a, keys[a.Id]))];
    }

    /// <returns>Null when there is no such agent.</returns>
    public async Task<AgentView?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        return agent is null ? null : AgentView.Of(agent, await KeysOfAsync(db, id, ct));
    }

    /// <summary>The active agent with that name, or null (the CLI reuses it).</summary>
    public async Task<AgentView?> FindActiveByNameAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Name == name, ct);
        return agent is { IsActive: true } ? AgentView.Of(agent, await KeysOfAsync(db, agent.Id, ct)) : null;
    }

    /// <summary>Changes the fields that are set. Disabling here is <see cref="DisableAsync"/>: credentials are revoked too.</summary>
    /// <exception cref="AgentProblemException">No such agent, or the new name is taken.</exception>
    public async Task<AgentView> UpdateAsync(Guid id, UpdateAgentCommand command, AuditActor actor, CancellationToken ct = default)
    {
        var name = command.Name is null ? null : AgentValidator.Name(command.Name);
        var description = AgentValidator.Description(command.Description);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var agent = await FindAsync(db, id, ct);
        var now = time.GetUtcNow();
        var changed = new List<string>();
        if (name is not null && name != agent.Name)
        {
            await EnsureNameFreeAsync(db, name, exceptId: id, ct);
            agent.Name = name;
            changed.Add("name");
        }

        if (description is not null && (description.Length == 0 ? null : description) != agent.Description)
        {
            agent.Description = description.Length == 0 ? null : description;
            changed.Add("description");
        }

        if (changed.Count > 0)
        {
            agent.UpdatedAt = now;
            audit.Add(db, AuditActions.AgentUpdated, actor, AuditTarget.Agent(id), "changed=" + string.Join(',', changed));
        }

        if (command.Status == AgentStatus.Disabled)
        {
            await DisableAsync(db, agent, actor, now, ct);
        }
        else if (command.Status == AgentStatus.Active && agent.Activate(now))
        {
            // Note: re-activating brings back no revoked key or token; the agent needs new ones, so a credential that
            // leaked before the agent was disabled stays useless.
            audit.Add(db, AuditActions.AgentUpdated, actor, AuditTarget.Agent(id), "status=active");
        }

        await SaveAsync(db, agent.Name, ct);
        await transaction.CommitAsync(ct);
        return AgentView.Of(agent, await KeysOfAsync(db, id, ct));
    }

    /// <summary>
    /// Sets the agent disabled and revokes every key and token it has, in one transaction: the next request with any of
    /// them is refused. Rows stay for history. Disabling a disabled agent changes nothing.
    /// </summary>
    /// <exception cref="AgentProblemException">No such agent.</exception>
    public async Task<AgentView> DisableAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var agent = await FindAsync(db, id, ct);
        await DisableAsync(db, agent, actor, time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return AgentView.Of(agent, await KeysOfAsync(db, id, ct));
    }

    private async Task DisableAsync(CybrLinkDbContext db, Agent agent, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var disabled = agent.Disable(now);
        // Note: revoked in the same transaction as the status change (and again on an already disabled agent), so no
        // credential of a disabled agent stays usable even if it was minted in a race with the disable.
        var keys = await db.AgentKeys.Where(k => k.AgentId == agent.Id && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        var tokens = await db.AgentTokens.Where(t => t.AgentId == agent.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        if (disabled || keys + tokens > 0)
        {
            audit.Add(db, AuditActions.AgentDisabled, actor, AuditTarget.Agent(agent.Id), $"keys_revoked={keys} tokens_revoked={tokens}");
        }
    }

    private static async Task<Agent> FindAsync(CybrLinkDbContext db, Guid id, CancellationToken ct) =>
        await db.Agents.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new AgentProblemException(AgentProblem.NotFound);

    private static async Task<List<AgentKey>> KeysOfAsync(CybrLinkDbContext db, Guid agentId, CancellationToken ct) =>
        await db.AgentKeys.AsNoTracking().Where(k => k.AgentId == agentId).ToListAsync(ct);

    private static async Task EnsureNameFreeAsync(CybrLinkDbContext db, string name, Guid? exceptId, CancellationToken ct)
    {
        if (await db.Agents.AnyAsync(a => a.Name == name && a.Id != exceptId, ct))
        {
            throw NameTaken(name);
        }
    }

    private static async Task SaveAsync(CybrLinkDbContext db, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request took the name between the check and the insert; the unique index refused this one.
            // (PostgreSQL refuses every statement of a failed transaction: end it before looking.)
            if (db.Database.CurrentTransaction is { } transaction)
            {
                await transaction.RollbackAsync(ct);
            }

            db.ChangeTracker.Clear();
            if (await db.Agents.AnyAsync(a => a.Name == name, ct))
            {
                throw NameTaken(name);
            }

            throw;
        }
    }

    private static AgentProblemException NameTaken(string name) =>
        new(AgentProblem.NameTaken, $"An agent named '{name}' already exists.");
}
