namespace CybrLink.Core.Agents;

public enum AgentCredentialKind
{
    Key,
    Token,
}

/// <summary>
/// Who is calling the agent API, as proved by a valid credential of an active agent. A token binds the caller to one
/// end user (<see cref="EndUserId"/>) and optionally to some integrations; a key binds it to neither.
/// </summary>
public sealed record AgentCaller(
    Guid AgentId,
    string AgentName,
    AgentCredentialKind Kind,
    Guid CredentialId,
    string CredentialPrefix,
    string? EndUserId,
    IReadOnlyList<string>? Integrations)
{
    /// <summary>True when this credential may act for <paramref name="endUserId"/> on <paramref name="integration"/>.</summary>
    public bool MayActFor(string endUserId, string integration) =>
        (EndUserId is null || string.Equals(EndUserId, endUserId, StringComparison.Ordinal))
        && (Integrations is null || Integrations.Contains(integration, StringComparer.Ordinal));
}
