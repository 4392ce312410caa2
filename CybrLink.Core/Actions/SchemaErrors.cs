using Json.Schema;

namespace CybrLink.Core.Actions;

/// <summary>The errors of a JSON Schema evaluation that made it fail.</summary>
internal static class SchemaErrors
{
    /// <summary>Hierarchical output, so the failed branches of a passing <c>oneOf</c>/<c>anyOf</c> can be left out.</summary>
    public static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>Each error as (instance pointer, keyword, message); keyword "" is a false schema (an unknown member).</summary>
    public static List<(string Pointer, string Keyword, string Message)> Collect(EvaluationResults results)
    {
        var errors = new List<(string, string, string)>();
        Walk(results, errors);
        return errors;
    }

    private static void Walk(EvaluationResults node, List<(string, string, string)> errors)
    {
        // Note: a valid node's children may hold failures (the branches a oneOf did not take); they are not errors.
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add((node.InstanceLocation.ToString(), keyword, message));
        }

        foreach (var child in node.Details ?? [])
        {
            Walk(child, errors);
        }
    }
}
