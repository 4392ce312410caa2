using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.EndUsers;

namespace CybrLink.Core.Policies;

/// <summary>Reads the structured parts of a rule (end users, proxy grants, conditions, rate, times) for <see cref="PolicyValidator"/>.</summary>
internal static partial class PolicyRuleParts
{
    public const int MaxEndUserIds = 1000;
    public const int MaxRate = 1_000_000;

    public static EndUserScope? ReadEndUsers(JsonElement element, string path, PolicyErrors errors)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            if (element.ValueEquals("*"))
            {
                return EndUserScope.All;
            }

            errors.Add(path, "Must be \"*\", { \"ids\": [...] } or { \"organization\": \"<id>\" }.");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "Must be \"*\", { \"ids\": [...] } or { \"organization\": \"<id>\" }.");
            return null;
        }

        var fields = errors.ReadObject(element, path, "ids", "organization");
        if (fields is null)
        {
            return null;
        }

        var hasIds = !PolicyErrors.IsAbsent(fields, "ids", out var idsValue);
        var hasOrganization = !PolicyErrors.IsAbsent(fields, "organization", out var organizationValue);
        if (hasIds == hasOrganization)
        {
            errors.Add(path, "Give exactly one of \"ids\" or \"organization\".");
            return null;
        }

        if (hasOrganization)
        {
            return errors.ReadString(organizationValue, $"{path}.organization", 255) is { } organization
                ? EndUserScope.ForOrganization(organization)
                : null;
        }

        if (errors.ReadArray(idsValue, $"{path}.ids", MaxEndUserIds) is not { } items)
        {
            return null;
        }

        var ids = new List<string>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            if (errors.ReadString(items[i], $"{path}.ids[{i}]", EndUser.MaxIdLength) is { } id)
            {
                ids.Add(id);
            }
        }

        return ids.Count == items.Length ? EndUserScope.ForIds(ids) : null;
    }

    public static IReadOnlyList<ProxyGrant>? ReadProxy(JsonElement element, string path, PolicyErrors errors)
    {
        if (errors.ReadArray(element, path, 50) is not { } items)
        {
            return null;
        }

        var grants = new List<ProxyGrant>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var grantPath = $"{path}[{i}]";
            var fields = errors.ReadObject(items[i], grantPath, "methods", "paths");
            if (fields is null)
            {
                continue;
            }

            var methods = new List<string>();
            if (PolicyErrors.IsAbsent(fields, "methods", out var methodsValue))
            {
                errors.Add($"{grantPath}.methods", "Required.");
            }
            else if (errors.ReadArray(methodsValue, $"{grantPath}.methods", ProxyGrant.KnownMethods.Count) is { } methodItems)
            {
                for (var m = 0; m < methodItems.Length; m++)
                {
                    var methodPath = $"{grantPath}.methods[{m}]";
                    var method = errors.ReadString(methodItems[m], methodPath, 10)?.ToUpperInvariant();
                    if (method is not null && !ProxyGrant.KnownMethods.Contains(method))
                    {
                        errors.Add(methodPath, $"One of {string.Join(", ", ProxyGrant.KnownMethods)}.");
                    }
                    else if (method is not null && !methods.Contains(method))
                    {
                        methods.Add(method);
                    }
                }
            }

            var patterns = new List<PathPattern>();
            if (PolicyErrors.IsAbsent(fields, "paths", out var pathsValue))
            {
                errors.Add($"{grantPath}.paths", "Required.");
            }
            else if (errors.ReadArray(pathsValue, $"{grantPath}.paths", 100) is { } pathItems)
            {
                for (var p = 0; p < pathItems.Length; p++)
                {
                    var patternPath = $"{grantPath}.paths[{p}]";
                    if (errors.ReadString(pathItems[p], patternPath, PathPattern.MaxLength) is not { } text)
                    {
                        continue;
                    }

                    var (pattern, error) = PathPattern.Parse(text);
                    if (pattern is null)
                    {
                        errors.Add(patternPath, error!);
                    }
                    else
                    {
                        patterns.Add(pattern);
                    }
                }
            }

            grants.Add(new ProxyGrant(methods, patterns));
        }

        return grants;
    }

    public static IReadOnlyList<string>? ReadActions(
        JsonElement element, string path, string? integration, ActionKeyExists? actionExists, PolicyErrors errors)
    {
        if (errors.ReadArray(element, path, 500) is not { } items)
        {
            return null;
        }

        var actions = new List<string>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (errors.ReadString(items[i], itemPath, 100) is not { } key)
            {
                continue;
            }

            if (key != PolicyRule.AnyAction && !ActionKeyPattern().IsMatch(key))
            {
                errors.Add(itemPath, "An action key (lowercase letters, digits, '_') or \"*\".");
            }
            else if (key != PolicyRule.AnyAction && actionExists is not null && integration is not null
                     && integration != PolicyRule.AnyIntegration && !actionExists(integration, key))
            {
                errors.Add(itemPath, $"'{key}' is not an action of '{integration}'.");
            }
            else
            {
                actions.Add(key);
            }
        }

        return actions;
    }

    public static PolicyRate? ReadRate(JsonElement element, string path, PolicyErrors errors)
    {
        var fields = errors.ReadObject(element, path, "per_minute", "per_day");
        if (fields is null)
        {
            return null;
        }

        var perMinute = ReadLimit(fields, "per_minute", path, errors);
        var perDay = ReadLimit(fields, "per_day", path, errors);
        if (perMinute is null && perDay is null && PolicyErrors.IsAbsent(fields, "per_minute", out _) && PolicyErrors.IsAbsent(fields, "per_day", out _))
        {
            errors.Add(path, "Give per_minute, per_day or both (or leave rate out).");
        }

        return new PolicyRate(perMinute, perDay);
    }

    public static DateTimeOffset? ReadTime(JsonElement element, string path, PolicyErrors errors)
    {
        // Note: an expiry without an offset would mean the server's local time; a rule must end at the same instant everywhere.
        if (element.ValueKind == JsonValueKind.String && ExplicitOffset().IsMatch(element.GetString()!)
            && element.TryGetDateTimeOffset(out var time))
        {
            return time.ToUniversalTime();
        }

        errors.Add(path, "Must be an ISO 8601 date-time with 'Z' or an offset, e.g. \"2027-01-31T00:00:00Z\".");
        return null;
    }

    private static int? ReadLimit(Dictionary<string, JsonElement> fields, string name, string path, PolicyErrors errors)
    {
        if (PolicyErrors.IsAbsent(fields, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var limit) && limit is >= 1 and <= MaxRate)
        {
            return limit;
        }

        errors.Add($"{path}.{name}", $"A whole number from 1 to {MaxRate}.");
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9_]+\z")]
    private static partial Regex ActionKeyPattern();

    [GeneratedRegex(@"T.*(Z|[+-]\d{2}:\d{2})\z", RegexOptions.IgnoreCase)]
    private static partial Regex ExplicitOffset();
}
