using CybrLink.Core.Policies;

namespace CybrLink.Web.Console.Agents;

/// <summary>A rule's scope in a few words, for the table of rules in force.</summary>
public static class PolicyText
{
    public static string EndUsers(EndUserScope scope) =>
        scope.IsAll ? "every end user"
        : scope.Organization is { } organization ? $"organization {organization}"
        : string.Join(", ", scope.Ids!.Order(StringComparer.Ordinal).Take(5)) + (scope.Ids!.Count > 5 ? $" and {scope.Ids.Count - 5} more" : "");

    public static string Covers(PolicyRule rule)
    {
        var parts = new List<string>();
        if (rule.IsFullDeny)
        {
            parts.Add("everything");
        }

        if (rule.Actions is { } actions)
        {
            parts.Add(actions.Contains(PolicyRule.AnyAction) ? "every action" : "actions " + string.Join(", ", actions));
        }

        if (rule.Proxy is { } proxy)
        {
            parts.Add("proxy " + string.Join("; ", proxy.Select(g => $"{string.Join('|', g.Methods)} {string.Join(", ", g.Paths.Select(p => p.Text))}")));
        }

        if (rule.Conditions is { Count: > 0 } conditions)
        {
            parts.Add($"if {string.Join(" and ", conditions.Select(c => c.Describe()))}");
        }

        if (rule.Rate is { } rate)
        {
            parts.Add("rate " + string.Join(", ", new[] { rate.PerMinute is { } m ? $"{m}/min" : null, rate.PerDay is { } d ? $"{d}/day" : null }.OfType<string>()));
        }

        if (rule.MayRequestConnection)
        {
            parts.Add("may ask to connect");
        }

        if (rule.ExpiresAt is { } expires)
        {
            parts.Add("until " + ConsoleTime.Utc(expires));
        }

        return string.Join(" · ", parts);
    }
}
