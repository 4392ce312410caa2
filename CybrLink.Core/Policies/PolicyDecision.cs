using System.Text.Json;

namespace CybrLink.Core.Policies;

/// <summary>
/// One question to an agent's policy: may it do this, for this end user, on this integration? Exactly one of
/// <see cref="Action"/> or <see cref="Method"/>+<see cref="Path"/> is set (or neither, to ask about the integration as a
/// whole, e.g. to list connections). <see cref="Path"/> is already normalised (<see cref="AgentPaths"/>).
/// </summary>
public sealed record PolicyRequest(
    Guid AgentId,
    string EndUserId,
    string? OrganizationId,
    string Integration,
    string? Action = null,
    string? Method = null,
    string? Path = null,
    JsonElement? Input = null);

/// <summary>A rule's rate limits; null fields mean no limit of that kind.</summary>
public sealed record PolicyRate(int? PerMinute, int? PerDay);

/// <summary>
/// The answer: allowed or not, the deciding rule (null when no rule matched: deny by default), a sentence that says
/// why, and what the deciding rule adds (its rate limits; whether the agent may ask the end user to connect).
/// </summary>
public sealed record PolicyDecision(
    bool Allowed, string? RuleId, string Reason, PolicyRate? Rate = null, bool MayRequestConnection = false)
{
    public const string NoMatchingRule = "no_matching_rule";
}
