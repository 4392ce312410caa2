using System.Text.Json;
using CybrLink.Core.Policies;

namespace CybrLink.Web.Console.Agents;

/// <summary>A draft body as the API's validator reads it: its rules when valid, else every error by path.</summary>
public sealed record PolicyCheck(string Json, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<PolicyRule> Rules)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The path of a JSON syntax error, which no rule owns.</summary>
    public const string BodyPath = "body";

    /// <summary>Runs the same <see cref="PolicyValidator"/> as <c>PUT /api/v1/agents/{id}/policy</c>.</summary>
    public static PolicyCheck Run(PolicyValidator validator, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var result = validator.Validate(document.RootElement);
            return new PolicyCheck(json, result.Errors, result.Rules);
        }
        catch (JsonException e)
        {
            return new PolicyCheck(json, new Dictionary<string, string[]> { [BodyPath] = [SyntaxMessage(e)] }, []);
        }
    }

    /// <summary>The errors of rule <paramref name="index"/> and of anything inside it.</summary>
    public IEnumerable<KeyValuePair<string, string[]>> ErrorsOfRule(int index)
    {
        var prefix = $"rules[{index}]";
        return Errors.Where(e => e.Key == prefix || e.Key.StartsWith(prefix + ".", StringComparison.Ordinal));
    }

    /// <summary>Errors that belong to no one rule (the body, the rules array).</summary>
    public IEnumerable<KeyValuePair<string, string[]>> ErrorsOutsideRules =>
        Errors.Where(e => !e.Key.StartsWith("rules[", StringComparison.Ordinal));

    public static string SyntaxMessage(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var what = cut > 0 ? message[..cut] : message;
        return e.LineNumber is { } line
            ? $"Not valid JSON at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {what}"
            : $"Not valid JSON: {what}";
    }
}
