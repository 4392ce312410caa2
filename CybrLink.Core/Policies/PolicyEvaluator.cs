namespace CybrLink.Core.Policies;

/// <summary>
/// Decides one <see cref="PolicyRequest"/> against one <see cref="AgentPolicy"/>: the same evaluator for the agent API,
/// the proxy, MCP and the dry run. Pure and synchronous; it allocates nothing beyond what conditions read.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Only rules that apply count: not expired, integration equal (or <c>*</c>), end user included.</item>
/// <item>An explicit deny that matches wins over any allow, wherever it stands in the list.</item>
/// <item>Otherwise the first matching allow, in order, decides and brings its rate and <c>may_request_connection</c>.</item>
/// <item>Otherwise denied: by the first allow that matched all but a condition (its id, and which condition failed),
/// else with <see cref="PolicyDecision.NoMatchingRule"/> and no rule id.</item>
/// </list>
/// <see cref="PolicyRequest.Input"/> null means "do not evaluate conditions" (listing permitted actions): allow
/// conditions count as met and conditional denies do not apply. A request with neither action nor method asks whether
/// any allow rule covers the integration for the end user without a full deny (a deny with no actions and no proxy).
/// </remarks>
public static class PolicyEvaluator
{
    private static readonly PolicyDecision NoMatch = new(false, null, PolicyDecision.NoMatchingRule);

    public static PolicyDecision Evaluate(AgentPolicy policy, PolicyRequest request, DateTimeOffset now)
    {
        var rules = policy.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Effect == PolicyEffect.Deny && rule.AppliesTo(request, now) && Covers(rule, request)
                && (rule.Conditions is null || (request.Input is not null && FirstFailed(rule, request) < 0)))
            {
                return rule.DeniedDecision;
            }
        }

        PolicyDecision? conditionFailure = null;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Effect != PolicyEffect.Allow || !rule.AppliesTo(request, now) || !Covers(rule, request))
            {
                continue;
            }

            if (rule.Conditions is null || request.Input is null)
            {
                return rule.AllowedDecision;
            }

            var failed = FirstFailed(rule, request);
            if (failed < 0)
            {
                return rule.AllowedDecision;
            }

            conditionFailure ??= rule.ConditionFailures[failed];
        }

        return conditionFailure ?? NoMatch;
    }

    /// <summary>
    /// For listing when no end user is named (an agent key asking which actions exist for it): true when some end user
    /// could be allowed, i.e. a live allow rule covers the request for some end users, and no unconditional deny for
    /// every end user takes it away. The call itself is still decided by <see cref="Evaluate"/> for its end user.
    /// </summary>
    public static bool MayAllowForSomeEndUser(AgentPolicy policy, PolicyRequest request, DateTimeOffset now)
    {
        var allowed = false;
        foreach (var rule in policy.Rules)
        {
            if (!rule.IsLive(now) || (rule.Integration != PolicyRule.AnyIntegration
                && !string.Equals(rule.Integration, request.Integration, StringComparison.Ordinal)) || !Covers(rule, request))
            {
                continue;
            }

            if (rule.Effect == PolicyEffect.Deny && rule.EndUsers.IsAll && rule.Conditions is null)
            {
                return false;
            }

            allowed |= rule.Effect == PolicyEffect.Allow;
        }

        return allowed;
    }

    private static bool Covers(PolicyRule rule, PolicyRequest request)
    {
        if (request.Action is { } action)
        {
            return rule.CoversAction(action);
        }

        if (request.Method is { } method)
        {
            // Note: the path is the canonical one from AgentPaths.Normalize; a request without one matches no grant.
            return request.Path is { } path && rule.CoversProxy(method, path);
        }

        // The integration as a whole: an allow that grants anything, or a deny that takes everything.
        return rule.Effect == PolicyEffect.Allow || rule.IsFullDeny;
    }

    /// <summary>The index of the first condition that does not hold (a missing input fails), or -1 when all hold.</summary>
    private static int FirstFailed(PolicyRule rule, PolicyRequest request)
    {
        var conditions = rule.Conditions!;
        if (request.Action is null || request.Input is not { } input)
        {
            return 0;
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            if (!conditions[i].Holds(input))
            {
                return i;
            }
        }

        return -1;
    }
}
