using CybrLink.Core.AgentCalls;

namespace CybrLink.Tests.AgentCalls;

/// <summary>Agent-call rows as the agent API would record them.</summary>
internal static class AgentCallRows
{
    public static AgentCall New(
        Guid? id = null, DateTimeOffset? at = null, Guid? agentId = null, string? endUserId = "u-1", Guid? connectionId = null,
        string decision = "allowed", string? path = "/v1/messages", int status = 200) => new()
    {
        Id = id ?? Guid.Empty,
        At = at ?? DateTimeOffset.UtcNow,
        AgentId = agentId ?? Guid.Parse("0195a0c4-0000-7000-8000-000000000001"),
        CredentialKind = "key",
        CredentialPrefix = "cbl_agent_AbCdEfGh",
        EndUserId = endUserId,
        ConnectionId = connectionId,
        Integration = "sandbox-mail",
        Method = "GET",
        Path = path,
        Decision = decision,
        RuleId = decision == "allowed" ? "read-mail" : null,
        Reason = decision == "refused" ? "invalid_path" : null,
        Status = status,
        UpstreamStatus = decision == "allowed" ? 200 : null,
        LatencyMs = 3,
        BytesIn = 0,
        RequestId = "req-" + Guid.NewGuid().ToString("N")[..8],
    };
}
