using System.Collections.Frozen;
using System.Text.Json;

namespace CybrLink.Core.Policies;

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>
/// One rule of an agent's policy. A rule applies to a request when it has not expired (<see cref="ExpiresAt"/> is
/// later than now), its <see cref="Integration"/> is the request's (or <c>*</c>) and its <see cref="EndUsers"/> include
/// the request's end user. What it covers:
/// <list type="bullet">
/// <item><see cref="Actions"/>: null covers no action; <c>*</c> covers every action of the integration.</item>
/// <item><see cref="Proxy"/>: null covers no raw proxy call; otherwise a call whose method and path a grant lists.</item>
/// <item>A deny rule with neither actions nor proxy covers everything on the integration for those end users.</item>
/// <item><see cref="Conditions"/> (action inputs only): an allow rule allows only when all hold; a deny rule denies only
/// when all hold; a value missing at a pointer fails its condition.</item>
/// </list>
/// </summary>
public sealed record PolicyRule(
    string Id,
    string? Description,
    PolicyEffect Effect,
    string Integration,
    EndUserScope EndUsers,
    IReadOnlyList<string>? Actions,
    IReadOnlyList<ProxyGrant>? Proxy,
    IReadOnlyList<PolicyCondition>? Conditions,
    PolicyRate? Rate,
    bool MayRequestConnection,
    DateTimeOffset? ExpiresAt)
{
    public const string AnyIntegration = "*";
    public const string AnyAction = "*";

    /// <summary>A deny rule with neither actions nor proxy: it denies everything on its integration for its end users.</summary>
    public bool IsFullDeny => Effect == PolicyEffect.Deny && Actions is null && Proxy is null;

    // Decisions are immutable and the same every time this rule decides: built once, so evaluating allocates nothing.
    internal PolicyDecision AllowedDecision { get; } = new(true, Id, $"allowed by rule {Id}", Rate, MayRequestConnection);
    internal PolicyDecision DeniedDecision { get; } = new(false, Id, $"denied by rule {Id}");

    /// <summary>Per condition: the answer when an allow rule matched everything but that condition.</summary>
    internal IReadOnlyList<PolicyDecision> ConditionFailures { get; } =
        Conditions?.Select(c => new PolicyDecision(false, Id, $"condition failed: {c.Describe()}")).ToArray() ?? [];

    internal bool IsLive(DateTimeOffset now) => ExpiresAt is not { } expires || expires > now;

    internal bool AppliesTo(PolicyRequest request, DateTimeOffset now) =>
        IsLive(now)
        && (Integration == AnyIntegration || string.Equals(Integration, request.Integration, StringComparison.Ordinal))
        && EndUsers.Includes(request.EndUserId, request.OrganizationId);

    internal bool CoversAction(string action)
    {
        if (Actions is null)
        {
            return IsFullDeny;
        }

        foreach (var key in Actions)
        {
            if (key == AnyAction || string.Equals(key, action, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    internal bool CoversProxy(string method, string path)
    {
        if (Proxy is null)
        {
            return IsFullDeny;
        }

        foreach (var grant in Proxy)
        {
            if (grant.Covers(method, path))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Which end users a rule is about: everyone, a list of ids, or the members of one organization.</summary>
public sealed class EndUserScope
{
    public static readonly EndUserScope All = new(null, null);

    private EndUserScope(FrozenSet<string>? ids, string? organization)
    {
        Ids = ids;
        Organization = organization;
    }

    /// <summary>The listed end user ids (exact), or null.</summary>
    public FrozenSet<string>? Ids { get; }

    /// <summary>The organization id (exact), or null.</summary>
    public string? Organization { get; }

    public bool IsAll => Ids is null && Organization is null;

    public static EndUserScope ForIds(IEnumerable<string> ids) => new(ids.ToFrozenSet(StringComparer.Ordinal), null);

    public static EndUserScope ForOrganization(string organization) => new(null, organization);

    public bool Includes(string endUserId, string? organizationId) =>
        IsAll
        || (Ids is not null && Ids.Contains(endUserId))
        || (Organization is not null && organizationId is not null && string.Equals(Organization, organizationId, StringComparison.Ordinal));
}

/// <summary>Raw proxy calls a rule covers: any of <see cref="Methods"/> (uppercase) on any of <see cref="Paths"/>.</summary>
public sealed record ProxyGrant(IReadOnlyList<string> Methods, IReadOnlyList<PathPattern> Paths)
{
    public static readonly IReadOnlyList<string> KnownMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    internal bool Covers(string method, string path)
    {
        var methodListed = false;
        foreach (var m in Methods)
        {
            if (string.Equals(m, method, StringComparison.Ordinal))
            {
                methodListed = true;
                break;
            }
        }

        if (!methodListed)
        {
            return false;
        }

        foreach (var pattern in Paths)
        {
            if (pattern.Matches(path))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The whole policy of an agent as in force: one immutable version. Version 0 (no rules) denies everything.</summary>
public sealed record AgentPolicy(Guid AgentId, Guid? VersionId, int Version, DateTimeOffset? UpdatedAt, IReadOnlyList<PolicyRule> Rules)
{
    public static AgentPolicy Empty(Guid agentId) => new(agentId, null, 0, null, []);
}

/// <summary>A condition on an action's input.</summary>
public enum ConditionOp
{
    /// <summary>The input equals the value (JSON equality).</summary>
    Equals,

    /// <summary>The value is an array; the input equals one of its items.</summary>
    In,

    /// <summary>The input is a string that starts with the value (ordinal).</summary>
    Prefix,

    /// <summary>The input is a string matching the value: <c>*</c> any run of characters, <c>?</c> exactly one.</summary>
    Glob,

    /// <summary>The input is a number not greater than the value.</summary>
    Max,

    /// <summary>The input is a string or array whose length is not greater than the value.</summary>
    MaxLength,
}
