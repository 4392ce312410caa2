namespace CybrLink.Core.AgentAccess;

/// <summary>What changed: an agent's policy, a connection, or (neither set) something every agent may see.</summary>
public sealed record AgentToolsChange(Guid? AgentId, Guid? ConnectionId);

/// <summary>
/// An in-process signal raised after a change that can alter what an agent may do (a new policy, a connection that
/// appeared, broke or was revoked, a refreshed catalog) has been committed. Open MCP sessions listen to it to tell
/// their clients that the tool list changed. One instance only: other instances learn on their next list.
/// </summary>
public sealed class AgentToolsSignal
{
    public event Action<AgentToolsChange>? Changed;

    public void Raise(AgentToolsChange change) => Changed?.Invoke(change);
}
