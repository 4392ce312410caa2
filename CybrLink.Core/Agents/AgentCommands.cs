namespace CybrLink.Core.Agents;

/// <summary>A new agent, as the API or the CLI received it; <see cref="AgentValidator"/> checks it in Core.</summary>
public sealed record CreateAgentCommand(string? Name, string? Description = null);

/// <summary>
/// A partial change: null leaves a field as it is. An empty <see cref="Description"/> clears it. Setting
/// <see cref="Status"/> to disabled is the same as disabling; re-activating does not bring back revoked credentials.
/// </summary>
public sealed record UpdateAgentCommand(string? Name = null, string? Description = null, AgentStatus? Status = null);

/// <summary>A new key: an optional label and an optional expiry (in the future).</summary>
public sealed record CreateAgentKeyCommand(string? Name = null, DateTimeOffset? ExpiresAt = null);

/// <summary>
/// A new end-user-bound token: it acts as the agent for <see cref="EndUserId"/> only, for <see cref="TtlSeconds"/>, and
/// (when <see cref="Integrations"/> is given) only on those catalog integrations.
/// </summary>
public sealed record CreateAgentTokenCommand(string? EndUserId, int? TtlSeconds, IReadOnlyList<string>? Integrations = null);
