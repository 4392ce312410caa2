using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Validation;

namespace CybrLink.Core.Policies;

/// <summary>
/// The seam for the actions catalog: true when <paramref name="actionKey"/> is an action of <paramref name="integration"/>.
/// Register one to have policies refuse action keys that do not exist; without one, any well-formed key is accepted.
/// </summary>
public delegate bool ActionKeyExists(string integration, string actionKey);

/// <summary>The rules of a valid policy, or the errors by path (empty when valid).</summary>
public sealed record PolicyValidationResult(IReadOnlyList<PolicyRule> Rules, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads a policy body <c>{ "rules": [...] }</c> strictly: unknown or repeated fields, wrong types and refused values
/// are each named by their path (<c>rules[2].proxy[0].methods[1]</c>).
/// </summary>
public sealed partial class PolicyValidator(ActionKeyExists? actionKeyExists = null)
{
    public const int MaxRules = 200;
    public const int MaxRuleIdLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxIntegrationKeyLength = 255;

    private static readonly string[] RuleFields =
    [
        "id", "description", "effect", "integration", "end_users", "actions", "proxy", "conditions", "rate",
        "may_request_connection", "expires_at",
    ];

    /// <summary>Checks a policy body as the API receives it.</summary>
    public PolicyValidationResult Validate(JsonElement body)
    {
        var errors = new PolicyErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Must be a JSON object: { \"rules\": [...] }.");
            return new([], errors.ToDictionary());
        }

        var fields = errors.ReadObject(body, "", "rules");
        if (fields is null)
        {
            return new([], errors.ToDictionary());
        }

        if (PolicyErrors.IsAbsent(fields, "rules", out var rules))
        {
            errors.Add("rules", "Required: an array of rules (empty to deny everything).");
            return new([], errors.ToDictionary());
        }

        return ValidateRules(rules, actionKeyExists, errors);
    }

    /// <summary>A stored rules array (written by this class); the catalog is not consulted, so later catalog changes cannot break it.</summary>
    internal IReadOnlyList<PolicyRule> ParseStored(JsonElement rules)
    {
        var result = ValidateRules(rules, null, new PolicyErrors());
        return result.IsValid
            ? result.Rules
            : throw new InvalidOperationException("A stored policy version does not parse: " + string.Join("; ", result.Errors.Keys));
    }

    private static PolicyValidationResult ValidateRules(JsonElement rules, ActionKeyExists? actionExists, PolicyErrors errors)
    {
        if (rules.ValueKind != JsonValueKind.Array)
        {
            errors.Add("rules", "Must be an array.");
            return new([], errors.ToDictionary());
        }

        if (rules.GetArrayLength() > MaxRules)
        {
            errors.Add("rules", $"At most {MaxRules} rules.");
            return new([], errors.ToDictionary());
        }

        var parsed = new List<PolicyRule>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in rules.EnumerateArray())
        {
            var path = $"rules[{index}]";
            if (ReadRule(element, path, actionExists, errors) is { } rule)
            {
                parsed.Add(rule);
            }

            // Duplicates are named even when the rules have other errors: one answer lists everything to fix.
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idValue)
                && idValue.ValueKind == JsonValueKind.String && !ids.TryAdd(idValue.GetString()!, index))
            {
                errors.Add($"{path}.id", $"Duplicate rule id '{idValue.GetString()}' (also rules[{ids[idValue.GetString()!]}]).");
            }

            index++;
        }

        return errors.Any ? new([], errors.ToDictionary()) : new(parsed, errors.ToDictionary());
    }

    private static PolicyRule? ReadRule(JsonElement element, string path, ActionKeyExists? actionExists, PolicyErrors errors)
    {
        var errorsBefore = errors.Count;
        var fields = errors.ReadObject(element, path, RuleFields);
        if (fields is null)
        {
            return null;
        }

        var id = ReadRequired(fields, "id", path, errors) is { } idValue ? errors.ReadString(idValue, $"{path}.id", MaxRuleIdLength) : null;
        if (id is not null && !RuleIdPattern().IsMatch(id))
        {
            errors.Add($"{path}.id", "Use lowercase letters, digits, '_', '.' and '-', starting with a letter or digit.");
        }

        string? description = null;
        if (!PolicyErrors.IsAbsent(fields, "description", out var descriptionValue))
        {
            description = errors.ReadString(descriptionValue, $"{path}.description", MaxDescriptionLength);
            if (description is not null && TextRules.HasInvisibleOrControl(description))
            {
                errors.Add($"{path}.description", "Must not contain control, zero-width or text-direction characters.");
            }
        }

        var effect = PolicyEffect.Allow;
        if (!PolicyErrors.IsAbsent(fields, "effect", out var effectValue))
        {
            var text = effectValue.ValueKind == JsonValueKind.String ? effectValue.GetString() : null;
            effect = text switch
            {
                "allow" => PolicyEffect.Allow,
                "deny" => PolicyEffect.Deny,
                _ => Invalid(errors, $"{path}.effect", "Must be \"allow\" or \"deny\".", PolicyEffect.Deny),
            };
        }

        var integration = ReadRequired(fields, "integration", path, errors) is { } integrationValue
            ? errors.ReadString(integrationValue, $"{path}.integration", MaxIntegrationKeyLength)
            : null;
        if (integration is not null && integration != PolicyRule.AnyIntegration && !IntegrationKeyPattern().IsMatch(integration))
        {
            errors.Add($"{path}.integration", "An integration key (letters, digits, '~', ':', '.', '@', ' ', '_', '-') or \"*\".");
        }

        var endUsers = ReadRequired(fields, "end_users", path, errors) is { } endUsersValue
            ? PolicyRuleParts.ReadEndUsers(endUsersValue, $"{path}.end_users", errors)
            : null;
        var actions = PolicyErrors.IsAbsent(fields, "actions", out var actionsValue)
            ? null
            : PolicyRuleParts.ReadActions(actionsValue, $"{path}.actions", integration, actionExists, errors);
        var proxy = PolicyErrors.IsAbsent(fields, "proxy", out var proxyValue)
            ? null
            : PolicyRuleParts.ReadProxy(proxyValue, $"{path}.proxy", errors);
        var conditions = PolicyErrors.IsAbsent(fields, "conditions", out var conditionsValue)
            ? null
            : PolicyConditionReader.Read(conditionsValue, $"{path}.conditions", errors);
        var rate = PolicyErrors.IsAbsent(fields, "rate", out var rateValue)
            ? null
            : PolicyRuleParts.ReadRate(rateValue, $"{path}.rate", errors);
        var mayRequestConnection = false;
        if (!PolicyErrors.IsAbsent(fields, "may_request_connection", out var mayValue))
        {
            mayRequestConnection = mayValue.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => Invalid(errors, $"{path}.may_request_connection", "Must be true or false.", false),
            };
        }

        var expiresAt = PolicyErrors.IsAbsent(fields, "expires_at", out var expiresValue)
            ? null
            : PolicyRuleParts.ReadTime(expiresValue, $"{path}.expires_at", errors);

        CheckCombination(path, effect, fields, conditions is not null, rate is not null, mayRequestConnection, errors);
        if (errors.Count > errorsBefore || id is null || integration is null || endUsers is null)
        {
            return null;
        }

        return new PolicyRule(id, description, effect, integration, endUsers, actions, proxy, conditions, rate, mayRequestConnection, expiresAt);
    }

    private static void CheckCombination(
        string path, PolicyEffect effect, Dictionary<string, JsonElement> fields, bool hasConditions, bool hasRate, bool mayRequest,
        PolicyErrors errors)
    {
        var hasActions = !PolicyErrors.IsAbsent(fields, "actions", out _);
        var hasProxy = !PolicyErrors.IsAbsent(fields, "proxy", out _);
        if (hasConditions && hasProxy)
        {
            errors.Add($"{path}.conditions", "Conditions apply to action inputs only; put proxy grants in their own rule.");
        }

        if (effect == PolicyEffect.Allow && !hasActions && !hasProxy)
        {
            errors.Add($"{path}.actions", "An allow rule grants nothing without actions or proxy.");
        }

        if (effect == PolicyEffect.Deny && hasRate)
        {
            errors.Add($"{path}.rate", "Only allow rules carry a rate.");
        }

        if (effect == PolicyEffect.Deny && mayRequest)
        {
            errors.Add($"{path}.may_request_connection", "Only allow rules may let the agent ask for a connection.");
        }
    }

    private static JsonElement? ReadRequired(Dictionary<string, JsonElement> fields, string name, string path, PolicyErrors errors)
    {
        if (PolicyErrors.IsAbsent(fields, name, out var value))
        {
            errors.Add($"{path}.{name}", "Required.");
            return null;
        }

        return value;
    }

    private static T Invalid<T>(PolicyErrors errors, string path, string message, T fallback)
    {
        errors.Add(path, message);
        return fallback;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.-]{0,99}\z")]
    private static partial Regex RuleIdPattern();

    // Nango's own rule for an integration's unique_key.
    [GeneratedRegex(@"^[a-zA-Z0-9~:.@ _-]{1,255}\z")]
    private static partial Regex IntegrationKeyPattern();

}
