using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Agents;

internal static class ActiveAgentLock
{
    /// <summary>
    /// Inside the caller's transaction: takes the agent's row lock if the agent is active, so a credential minted now
    /// cannot slip past a concurrent disable.
    /// </summary>
    /// <exception cref="AgentProblemException">No such agent, or it is disabled.</exception>
    // Note: a plain "read status, then insert" lets a disable commit in between and leave a fresh, unrevoked key on a
    // disabled agent, which re-activation would bring back to life. The no-op update locks the row: a disable either
    // finishes first (this sees Disabled) or waits for this insert and then revokes it with the others.
    public static async Task LockAsync(CybrLinkDbContext db, Guid agentId, CancellationToken ct)
    {
        var locked = await db.Agents
            .Where(a => a.Id == agentId && a.Status == AgentStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, a => a.Status), ct);
        if (locked == 1)
        {
            return;
        }

        throw await db.Agents.AnyAsync(a => a.Id == agentId, ct)
            ? new AgentProblemException(AgentProblem.Disabled, "The agent is disabled; re-activate it before giving it credentials.")
            : new AgentProblemException(AgentProblem.NotFound);
    }
}
