using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Policies;

/// <summary>
/// Calls of one kind (same end user, integration, action or method + path, and recorded decision) whose decision a draft
/// policy would change, or cannot tell about: how many, and when the last one was made.
/// </summary>
public sealed record WhatIfCalls(
    DateTimeOffset LastAt, int Calls, string EndUserId, string Integration, string? Action, string? Method, string? Path,
    string OldDecision, string? OldRuleId, string NewDecision, string? NewRuleId);

/// <summary>
/// What a draft policy would have decided for the agent's recorded calls since <see cref="Since"/>.
/// <see cref="Calls"/> = <see cref="Changed"/> + <see cref="Unchanged"/> + <see cref="CannotTell"/> + <see cref="NotReplayed"/>.
/// </summary>
/// <param name="Calls">Every recorded call of the agent in the window.</param>
/// <param name="Changed">Calls the draft would decide the other way (allowed ↔ denied).</param>
/// <param name="CannotTell">Action calls whose new decision depends on the action's input, which is never stored.</param>
/// <param name="NotReplayed">Calls the policy did not decide: refused by a guard, denied by the credential's binding,
/// allowed by the policy but stopped later (no connection, revoked, rate limit), or listings.</param>
/// <param name="ChangedCalls">The changed kinds, most recent first (at most <see cref="PolicyWhatIf.MaxListed"/>).</param>
/// <param name="UncertainCalls">The cannot-tell kinds, most recent first (at most <see cref="PolicyWhatIf.MaxListed"/>).</param>
public sealed record WhatIfReport(
    DateTimeOffset Since, int Calls, int Changed, int Unchanged, int CannotTell, int NotReplayed,
    IReadOnlyList<WhatIfCalls> ChangedCalls, IReadOnlyList<WhatIfCalls> UncertainCalls);

/// <summary>
/// The what-if of a policy edit: replays the agent's recorded calls of the last <see cref="Window"/> against a draft with
/// the same <see cref="PolicyEvaluator"/> real calls go through, and counts which would change decision.
/// </summary>
/// <remarks>
/// Calls are grouped in SQL by what the policy reads (end user and their organization, integration, action or method +
/// path) and by the recorded decision; each group is evaluated once and counted with its size, so an agent with 100k
/// calls a week costs one grouped scan of its rows (by the (agent, id) index) and a few thousand evaluations.
/// </remarks>
public sealed class PolicyWhatIf(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);
    public const int MaxListed = 200;

    public const string AllowedDecision = AgentCallDraft.Allowed;
    public const string DeniedDecision = AgentCallDraft.Denied;

    private sealed record Group(
        string? EndUserId, string? OrganizationId, string? Integration, string? Action, string? Method, string? Path,
        string Decision, string? RuleId, string? Reason, int Count, long LastTicks);

    public async Task<WhatIfReport> EvaluateAsync(Guid agentId, IReadOnlyList<PolicyRule> draft, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var since = now - Window;
        var groups = await GroupsAsync(agentId, since, ct);

        var permissive = new AgentPolicy(agentId, null, 0, now, draft);
        var restrictive = new AgentPolicy(agentId, null, 0, now, Restrictive(draft));
        int calls = 0, changed = 0, unchanged = 0, cannotTell = 0, notReplayed = 0;
        var changedCalls = new List<WhatIfCalls>();
        var uncertainCalls = new List<WhatIfCalls>();
        foreach (var group in groups)
        {
            calls += group.Count;
            if (OldPolicyDecision(group) is not { } wasAllowed)
            {
                notReplayed += group.Count;
                continue;
            }

            var request = new PolicyRequest(agentId, group.EndUserId!, group.OrganizationId, group.Integration!,
                group.Action, group.Action is null ? group.Method : null, group.Action is null ? group.Path : null);
            // Note: Input null means "conditions are not evaluated": allow conditions count as met and conditional denies
            // do not apply, the most permissive reading. The restrictive policy reads them the other way (no conditional
            // allow holds, every conditional deny does). The evaluator is monotone in both, so when the two agree, every
            // input would get that answer; when they differ the answer depends on an input CybrLink never stored, and
            // the call is counted as "cannot tell" rather than guessed.
            var decision = PolicyEvaluator.Evaluate(permissive, request, now);
            if (group.Action is not null && decision.Allowed && !PolicyEvaluator.Evaluate(restrictive, request, now).Allowed)
            {
                cannotTell += group.Count;
                uncertainCalls.Add(Describe(group, decision, "depends on input"));
            }
            else if (decision.Allowed != wasAllowed)
            {
                changed += group.Count;
                changedCalls.Add(Describe(group, decision, decision.Allowed ? AllowedDecision : DeniedDecision));
            }
            else
            {
                unchanged += group.Count;
            }
        }

        return new WhatIfReport(since, calls, changed, unchanged, cannotTell, notReplayed, MostRecent(changedCalls), MostRecent(uncertainCalls));
    }

    private async Task<List<Group>> GroupsAsync(Guid agentId, DateTimeOffset since, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Version-7 ids start with their time: the id bound lets the (agent, id) index find the window.
        var lowestId = LowestVersion7Id(since);
        var rows = db.AgentCalls.AsNoTracking().Where(c => c.AgentId == agentId && c.Id >= lowestId && c.At >= since);
        var grouped =
            from c in rows
            join u in db.EndUsers on c.EndUserId equals u.Id into users
            from u in users.DefaultIfEmpty()
            group c by new
            {
                c.EndUserId,
                u.OrganizationId,
                c.Integration,
                c.Action,
                // An action call's method and path come from its input; the policy reads only the action key.
                Method = c.Action == null ? c.Method : null,
                Path = c.Action == null ? c.Path : null,
                c.Decision,
                c.RuleId,
                c.Reason,
            }
            into g
            select new { g.Key, Count = g.Count(), Last = g.Max(c => c.At) };
        var list = await grouped.ToListAsync(ct);
        return
        [
            .. list.Select(g => new Group(g.Key.EndUserId, g.Key.OrganizationId, g.Key.Integration, g.Key.Action, g.Key.Method,
                g.Key.Path, g.Key.Decision, g.Key.RuleId, g.Key.Reason, g.Count, g.Last.UtcTicks)),
        ];
    }

    /// <summary>True / false when the policy decided the recorded call; null when something else did.</summary>
    private static bool? OldPolicyDecision(Group group)
    {
        if (group.EndUserId is null || group.Integration is null || (group.Action is null && (group.Method is null || group.Path is null)))
        {
            return null;
        }

        return group.Decision switch
        {
            AllowedDecision => true,
            // "policy" (a deny rule or a failed condition) and "no_matching_rule" are the policy's own denials; others
            // (credential_scope, no_connection) are decided around it and would stay as they are.
            DeniedDecision when group.Reason is "policy" or PolicyDecision.NoMatchingRule => false,
            _ => null,
        };
    }

    /// <summary>The draft with no conditional allow and every conditional deny made unconditional.</summary>
    private static List<PolicyRule> Restrictive(IReadOnlyList<PolicyRule> draft) =>
    [
        .. draft
            .Where(r => r.Conditions is null || r.Effect == PolicyEffect.Deny)
            .Select(r => r.Conditions is null ? r : new PolicyRule(r.Id, r.Description, r.Effect, r.Integration, r.EndUsers, r.Actions,
                r.Proxy, null, r.Rate, r.MayRequestConnection, r.ExpiresAt)),
    ];

    private static WhatIfCalls Describe(Group group, PolicyDecision decision, string newDecision) => new(
        new DateTimeOffset(group.LastTicks, TimeSpan.Zero), group.Count, group.EndUserId!, group.Integration!, group.Action,
        group.Action is null ? group.Method : null, group.Action is null ? group.Path : null,
        group.Decision, group.RuleId, newDecision, decision.RuleId);

    private static List<WhatIfCalls> MostRecent(List<WhatIfCalls> calls) =>
        [.. calls.OrderByDescending(c => c.LastAt).ThenByDescending(c => c.Calls).Take(MaxListed)];

    /// <summary>The smallest version-7 id of the millisecond <paramref name="at"/>.</summary>
    internal static Guid LowestVersion7Id(DateTimeOffset at)
    {
        var ms = Math.Max(0, at.ToUnixTimeMilliseconds());
        return Guid.Parse($"{ms >> 16:x8}-{ms & 0xFFFF:x4}-7000-8000-000000000000");
    }
}
