using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CybrLink.Web.Console.Agents;

/// <summary>One proxy grant as the form edits it: methods ticked, paths one per line.</summary>
public sealed class ProxyDraft
{
    public HashSet<string> Methods { get; set; } = new(StringComparer.Ordinal);
    public string Paths { get; set; } = "";
}

/// <summary>One condition as the form edits it; the value is JSON text (a bare word is taken as a string).</summary>
public sealed class ConditionDraft
{
    public string Input { get; set; } = "";
    public string Op { get; set; } = "equals";
    public string Value { get; set; } = "";
}

/// <summary>
/// One rule as the form edits it: text as typed, turned into the policy JSON the API takes. Nothing here checks a rule;
/// <see cref="Core.Policies.PolicyValidator"/> reads the JSON and names what is wrong, as it does for the API.
/// </summary>
public sealed class RuleDraft
{
    public const string EveryEndUser = "all";
    public const string EndUserIds = "ids";
    public const string EndUserOrganization = "organization";

    public string Id { get; set; } = "";
    public string Description { get; set; } = "";
    public string Effect { get; set; } = "allow";
    public string Integration { get; set; } = "";
    public string EndUsersMode { get; set; } = EveryEndUser;
    public string EndUserIdList { get; set; } = "";
    public string Organization { get; set; } = "";
    public string Actions { get; set; } = "";
    public List<ProxyDraft> Proxy { get; set; } = [];
    public List<ConditionDraft> Conditions { get; set; } = [];
    public int? PerMinute { get; set; }
    public int? PerDay { get; set; }
    public bool MayRequestConnection { get; set; }
    public string ExpiresAt { get; set; } = "";

    public JsonObject ToJson()
    {
        var rule = new JsonObject { ["id"] = Id };
        if (Description.Length > 0)
        {
            rule["description"] = Description;
        }

        rule["effect"] = Effect;
        rule["integration"] = Integration;
        rule["end_users"] = EndUsersMode switch
        {
            EndUserIds => new JsonObject { ["ids"] = Array(Split(EndUserIdList)) },
            EndUserOrganization => new JsonObject { ["organization"] = Organization },
            _ => "*",
        };
        if (Split(Actions) is { Count: > 0 } actions)
        {
            rule["actions"] = Array(actions);
        }

        if (Proxy.Count > 0)
        {
            rule["proxy"] = new JsonArray([.. Proxy.Select(g => (JsonNode)new JsonObject
            {
                ["methods"] = Array([.. Core.Policies.ProxyGrant.KnownMethods.Where(g.Methods.Contains)]),
                ["paths"] = Array(Split(g.Paths)),
            })]);
        }

        if (Conditions.Count > 0)
        {
            rule["conditions"] = new JsonArray([.. Conditions.Select(c => (JsonNode)new JsonObject
            {
                ["input"] = c.Input, ["op"] = c.Op, ["value"] = ValueOf(c.Value),
            })]);
        }

        if (PerMinute is not null || PerDay is not null)
        {
            var rate = new JsonObject();
            if (PerMinute is { } perMinute)
            {
                rate["per_minute"] = perMinute;
            }

            if (PerDay is { } perDay)
            {
                rate["per_day"] = perDay;
            }

            rule["rate"] = rate;
        }

        if (MayRequestConnection)
        {
            rule["may_request_connection"] = true;
        }

        if (ExpiresAt.Trim().Length > 0)
        {
            rule["expires_at"] = ExpiresAt.Trim();
        }

        return rule;
    }

    /// <summary>Items separated by commas or lines, trimmed, blanks dropped.</summary>
    public static List<string> Split(string text) =>
        [.. text.Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)JsonValue.Create(i))]);

    private static JsonNode? ValueOf(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}

/// <summary>The editor's two views of one draft: rules for the form, and the JSON body the API and the validator read.</summary>
public static class PolicyDraft
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(IEnumerable<RuleDraft> rules) =>
        new JsonObject { ["rules"] = new JsonArray([.. rules.Select(r => (JsonNode)r.ToJson())]) }.ToJsonString(Pretty);

    /// <summary>
    /// The rules of a JSON body, for the form; or why the form cannot show them (not JSON, or a field the form has no
    /// place for), so that switching views never drops part of a policy.
    /// </summary>
    public static (List<RuleDraft>? Rules, string? Problem) FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
            {
                return (null, "The form needs a body of the shape { \"rules\": [...] }.");
            }

            var drafts = new List<RuleDraft>();
            var index = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                drafts.Add(RuleReader.Read(rule, $"rules[{index++}]"));
            }

            return (drafts, null);
        }
        catch (JsonException e)
        {
            return (null, PolicyCheck.SyntaxMessage(e));
        }
        catch (RuleReader.NotFormShaped e)
        {
            return (null, e.Message);
        }
    }
}
