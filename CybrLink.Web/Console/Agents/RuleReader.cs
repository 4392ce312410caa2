using System.Text.Json;

namespace CybrLink.Web.Console.Agents;

/// <summary>Reads one rule of a JSON body into a <see cref="RuleDraft"/>, or says which part the form cannot show.</summary>
internal static class RuleReader
{
    public sealed class NotFormShaped(string path, string what) : Exception($"{path}: {what} Fix it in JSON, then switch to the form.");

    public static RuleDraft Read(JsonElement rule, string path)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw new NotFormShaped(path, "a rule must be a JSON object.");
        }

        var draft = new RuleDraft();
        foreach (var field in rule.EnumerateObject())
        {
            var at = $"{path}.{field.Name}";
            var value = field.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (field.Name)
            {
                case "id": draft.Id = Text(value, at); break;
                case "description": draft.Description = Text(value, at); break;
                case "effect": draft.Effect = Text(value, at); break;
                case "integration": draft.Integration = Text(value, at); break;
                case "end_users": ReadEndUsers(draft, value, at); break;
                case "actions": draft.Actions = string.Join(", ", Texts(value, at)); break;
                case "proxy": draft.Proxy = [.. Items(value, at).Select((g, i) => ReadGrant(g, $"{at}[{i}]"))]; break;
                case "conditions": draft.Conditions = [.. Items(value, at).Select((c, i) => ReadCondition(c, $"{at}[{i}]"))]; break;
                case "rate": ReadRate(draft, value, at); break;
                case "may_request_connection":
                    draft.MayRequestConnection = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new NotFormShaped(at, "must be true or false."),
                    };
                    break;
                case "expires_at": draft.ExpiresAt = Text(value, at); break;
                default: throw new NotFormShaped(at, "the form has no such field.");
            }
        }

        return draft;
    }

    private static void ReadEndUsers(RuleDraft draft, JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.String && value.ValueEquals("*"))
        {
            draft.EndUsersMode = RuleDraft.EveryEndUser;
        }
        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("ids", out var ids) && CountFields(value) == 1)
        {
            draft.EndUsersMode = RuleDraft.EndUserIds;
            draft.EndUserIdList = string.Join(", ", Texts(ids, $"{at}.ids"));
        }
        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("organization", out var org) && CountFields(value) == 1)
        {
            draft.EndUsersMode = RuleDraft.EndUserOrganization;
            draft.Organization = Text(org, $"{at}.organization");
        }
        else
        {
            throw new NotFormShaped(at, "must be \"*\", { \"ids\": [...] } or { \"organization\": \"<id>\" }.");
        }
    }

    private static ProxyDraft ReadGrant(JsonElement grant, string at)
    {
        var draft = new ProxyDraft();
        foreach (var field in Fields(grant, at))
        {
            switch (field.Name)
            {
                case "methods": draft.Methods = [.. Methods(field.Value, $"{at}.methods")]; break;
                case "paths": draft.Paths = string.Join('\n', Texts(field.Value, $"{at}.paths")); break;
                default: throw new NotFormShaped($"{at}.{field.Name}", "the form has no such field.");
            }
        }

        return draft;
    }

    // The form offers a box per known method: an unknown one would vanish on the way back to JSON.
    private static IEnumerable<string> Methods(JsonElement value, string at) =>
        Texts(value, at).Select((m, i) => Core.Policies.ProxyGrant.KnownMethods.Contains(m.ToUpperInvariant())
            ? m.ToUpperInvariant()
            : throw new NotFormShaped($"{at}[{i}]", $"'{m}' is not one of {string.Join(", ", Core.Policies.ProxyGrant.KnownMethods)}."));

    private static ConditionDraft ReadCondition(JsonElement condition, string at)
    {
        var draft = new ConditionDraft();
        foreach (var field in Fields(condition, at))
        {
            switch (field.Name)
            {
                case "input": draft.Input = Text(field.Value, $"{at}.input"); break;
                case "op": draft.Op = Text(field.Value, $"{at}.op"); break;
                case "value": draft.Value = field.Value.GetRawText(); break;
                default: throw new NotFormShaped($"{at}.{field.Name}", "the form has no such field.");
            }
        }

        return draft;
    }

    private static void ReadRate(RuleDraft draft, JsonElement rate, string at)
    {
        foreach (var field in Fields(rate, at))
        {
            var limit = field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var n)
                ? n
                : throw new NotFormShaped($"{at}.{field.Name}", "must be a whole number.");
            switch (field.Name)
            {
                case "per_minute": draft.PerMinute = limit; break;
                case "per_day": draft.PerDay = limit; break;
                default: throw new NotFormShaped($"{at}.{field.Name}", "the form has no such field.");
            }
        }
    }

    private static IEnumerable<JsonProperty> Fields(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : throw new NotFormShaped(at, "must be a JSON object.");

    private static int CountFields(JsonElement value) => value.EnumerateObject().Count();

    private static JsonElement[] Items(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : throw new NotFormShaped(at, "must be an array.");

    private static List<string> Texts(JsonElement value, string at) =>
        [.. Items(value, at).Select((item, i) => Text(item, $"{at}[{i}]"))];

    private static string Text(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new NotFormShaped(at, "must be a string.");
}
