using System.Text.Json;

namespace CybrLink.Core.Policies;

/// <summary>Reads a rule's <c>conditions</c> for <see cref="PolicyValidator"/>: pointer, op, and a value of the op's type.</summary>
internal static class PolicyConditionReader
{
    public const int MaxConditions = 20;

    public static IReadOnlyList<PolicyCondition>? Read(JsonElement element, string path, PolicyErrors errors)
    {
        if (errors.ReadArray(element, path, MaxConditions) is not { } items)
        {
            return null;
        }

        var conditions = new List<PolicyCondition>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var conditionPath = $"{path}[{i}]";
            var fields = errors.ReadObject(items[i], conditionPath, "input", "op", "value");
            if (fields is null)
            {
                continue;
            }

            JsonPointer? pointer = null;
            if (PolicyErrors.IsAbsent(fields, "input", out var inputValue))
            {
                errors.Add($"{conditionPath}.input", "Required: a JSON pointer into the action's input, e.g. \"/amount\".");
            }
            else if (inputValue.ValueKind != JsonValueKind.String || inputValue.GetString()!.Length > 1024
                     || JsonPointer.Parse(inputValue.GetString()!) is not { } parsed)
            {
                errors.Add($"{conditionPath}.input", "Must be a JSON pointer (RFC 6901), e.g. \"/amount\" or \"/repo/name\".");
            }
            else
            {
                pointer = parsed;
            }

            ConditionOp? op = null;
            if (PolicyErrors.IsAbsent(fields, "op", out var opValue))
            {
                errors.Add($"{conditionPath}.op", "Required.");
            }
            else
            {
                op = opValue.ValueKind == JsonValueKind.String ? OpOf(opValue.GetString()!) : null;
                if (op is null)
                {
                    errors.Add($"{conditionPath}.op", "One of equals, in, prefix, glob, max, max_length.");
                }
            }

            if (!fields.TryGetValue("value", out var value))
            {
                errors.Add($"{conditionPath}.value", "Required.");
            }
            else if (op is { } known && ValueError(known, value) is { } valueError)
            {
                errors.Add($"{conditionPath}.value", valueError);
            }
            else if (pointer is not null && op is { } valid)
            {
                conditions.Add(new PolicyCondition(pointer, valid, value.Clone()));
            }
        }

        return conditions;
    }

    private static ConditionOp? OpOf(string name) => name switch
    {
        "equals" => ConditionOp.Equals,
        "in" => ConditionOp.In,
        "prefix" => ConditionOp.Prefix,
        "glob" => ConditionOp.Glob,
        "max" => ConditionOp.Max,
        "max_length" => ConditionOp.MaxLength,
        _ => null,
    };

    private static string? ValueError(ConditionOp op, JsonElement value) => op switch
    {
        ConditionOp.Equals => null,
        ConditionOp.In => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() is > 0 and <= 1000
            ? null
            : "For 'in': an array of 1 to 1000 values.",
        ConditionOp.Prefix or ConditionOp.Glob => value.ValueKind == JsonValueKind.String && value.GetString()!.Length is > 0 and <= 1000
            ? null
            : $"For '{PolicyCondition.OpName(op)}': a string of 1 to 1000 characters.",
        ConditionOp.Max => value.ValueKind == JsonValueKind.Number ? null : "For 'max': a number.",
        ConditionOp.MaxLength => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0
            ? null
            : "For 'max_length': a whole number, 0 or more.",
        _ => "Unknown op.",
    };
}
