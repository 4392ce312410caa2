using System.Text.Json;

namespace CybrLink.Core.Policies;

/// <summary>
/// Writes rules as canonical JSON (snake_case, methods uppercase, times in UTC): what is stored, what GET answers, and
/// what the audit diff compares. Reading it back through <see cref="PolicyValidator"/> gives the same rules.
/// </summary>
public static class PolicyJson
{
    public static string Write(IReadOnlyList<PolicyRule> rules)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var rule in rules)
            {
                WriteRule(writer, rule);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>One rule's canonical JSON, to tell whether a rule with the same id changed.</summary>
    public static string Write(PolicyRule rule)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteRule(writer, rule);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRule(Utf8JsonWriter writer, PolicyRule rule)
    {
        writer.WriteStartObject();
        writer.WriteString("id", rule.Id);
        if (rule.Description is not null)
        {
            writer.WriteString("description", rule.Description);
        }

        writer.WriteString("effect", rule.Effect == PolicyEffect.Allow ? "allow" : "deny");
        writer.WriteString("integration", rule.Integration);
        WriteEndUsers(writer, rule.EndUsers);
        if (rule.Actions is not null)
        {
            writer.WriteStartArray("actions");
            rule.Actions.ToList().ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
        }

        if (rule.Proxy is not null)
        {
            writer.WriteStartArray("proxy");
            foreach (var grant in rule.Proxy)
            {
                writer.WriteStartObject();
                writer.WriteStartArray("methods");
                grant.Methods.ToList().ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
                writer.WriteStartArray("paths");
                grant.Paths.ToList().ForEach(p => writer.WriteStringValue(p.Text));
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (rule.Conditions is not null)
        {
            writer.WriteStartArray("conditions");
            foreach (var condition in rule.Conditions)
            {
                writer.WriteStartObject();
                writer.WriteString("input", condition.Pointer.Text);
                writer.WriteString("op", PolicyCondition.OpName(condition.Op));
                writer.WritePropertyName("value");
                condition.Value.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (rule.Rate is { } rate)
        {
            writer.WriteStartObject("rate");
            if (rate.PerMinute is { } perMinute)
            {
                writer.WriteNumber("per_minute", perMinute);
            }

            if (rate.PerDay is { } perDay)
            {
                writer.WriteNumber("per_day", perDay);
            }

            writer.WriteEndObject();
        }

        writer.WriteBoolean("may_request_connection", rule.MayRequestConnection);
        if (rule.ExpiresAt is { } expiresAt)
        {
            writer.WriteString("expires_at", expiresAt.ToUniversalTime());
        }

        writer.WriteEndObject();
    }

    private static void WriteEndUsers(Utf8JsonWriter writer, EndUserScope scope)
    {
        if (scope.IsAll)
        {
            writer.WriteString("end_users", "*");
            return;
        }

        writer.WriteStartObject("end_users");
        if (scope.Organization is not null)
        {
            writer.WriteString("organization", scope.Organization);
        }
        else
        {
            writer.WriteStartArray("ids");
            foreach (var id in scope.Ids!.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
