using System.Globalization;
using System.Text.Json;

namespace CybrLink.Core.Policies;

/// <summary>
/// A condition on an action's input: the value at <see cref="Pointer"/> (RFC 6901) compared with <see cref="Value"/>
/// by <see cref="Op"/>. A value missing at the pointer, or of the wrong kind for the op, fails the condition.
/// </summary>
public sealed record PolicyCondition(JsonPointer Pointer, ConditionOp Op, JsonElement Value)
{
    /// <summary>The op as written in a policy (snake_case).</summary>
    public static string OpName(ConditionOp op) => op switch
    {
        ConditionOp.MaxLength => "max_length",
        _ => op.ToString().ToLowerInvariant(),
    };

    /// <summary>"/amount max 100": for reasons and audit.</summary>
    public string Describe()
    {
        var value = Value.GetRawText();
        return $"{Pointer.Text} {OpName(Op)} {(value.Length > 60 ? value[..57] + "..." : value)}";
    }

    public bool Holds(JsonElement input)
    {
        if (!Pointer.TryResolve(input, out var actual))
        {
            return false;
        }

        switch (Op)
        {
            case ConditionOp.Equals:
                return JsonElement.DeepEquals(actual, Value);
            case ConditionOp.In:
                foreach (var item in Value.EnumerateArray())
                {
                    if (JsonElement.DeepEquals(actual, item))
                    {
                        return true;
                    }
                }

                return false;
            case ConditionOp.Prefix:
                return actual.ValueKind == JsonValueKind.String
                    && actual.GetString()!.StartsWith(Value.GetString()!, StringComparison.Ordinal);
            case ConditionOp.Glob:
                return actual.ValueKind == JsonValueKind.String && Glob.Matches(Value.GetString()!, actual.GetString()!);
            case ConditionOp.Max:
                return actual.ValueKind == JsonValueKind.Number && NotGreater(actual, Value);
            case ConditionOp.MaxLength:
                var length = actual.ValueKind switch
                {
                    JsonValueKind.String => CodePoints(actual.GetString()!),
                    JsonValueKind.Array => actual.GetArrayLength(),
                    _ => -1,
                };
                return length >= 0 && length <= Value.GetInt32();
            default:
                return false;
        }
    }

    // As JSON Schema's maxLength counts: Unicode code points, so an emoji is one character, not two UTF-16 units.
    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool NotGreater(JsonElement actual, JsonElement limit)
    {
        if (actual.TryGetDecimal(out var a) && limit.TryGetDecimal(out var l))
        {
            return a <= l;
        }

        // Beyond decimal's range (1e30 and up): doubles compare magnitudes well enough at that scale.
        return actual.GetDouble() <= limit.GetDouble();
    }
}

/// <summary>
/// An RFC 6901 JSON pointer, parsed once: <c>""</c> is the whole input, <c>/a/0/b~1c</c> walks object members (and
/// array indexes) <c>a</c>, <c>0</c>, <c>b/c</c>.
/// </summary>
public sealed class JsonPointer
{
    private readonly string[] _tokens;
    private readonly int[] _indexes;

    private JsonPointer(string text, string[] tokens)
    {
        Text = text;
        _tokens = tokens;
        _indexes = [.. tokens.Select(ArrayIndex)];
    }

    public string Text { get; }

    /// <summary>The pointer, or null when the text is not an RFC 6901 pointer (an unescaped <c>~</c>, no leading <c>/</c>).</summary>
    public static JsonPointer? Parse(string text)
    {
        if (text.Length == 0)
        {
            return new JsonPointer(text, []);
        }

        if (text[0] != '/')
        {
            return null;
        }

        var raw = text[1..].Split('/');
        var tokens = new string[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var token = raw[i];
            for (var j = 0; j < token.Length; j++)
            {
                if (token[j] == '~' && (j + 1 >= token.Length || token[j + 1] is not ('0' or '1')))
                {
                    return null;
                }
            }

            // Order matters (RFC 6901 §4): "~01" is "~1" as text, not "/".
            tokens[i] = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        return new JsonPointer(text, tokens);
    }

    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                if (!value.TryGetProperty(_tokens[i], out value))
                {
                    return false;
                }
            }
            else if (value.ValueKind == JsonValueKind.Array && _indexes[i] >= 0 && _indexes[i] < value.GetArrayLength())
            {
                value = value[_indexes[i]];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    // RFC 6901 §4: an array index is "0" or digits without a leading zero.
    private static int ArrayIndex(string token) =>
        token.Length is > 0 and < 10 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0')
            ? int.Parse(token, CultureInfo.InvariantCulture)
            : -1;
}

/// <summary>Glob matching for condition values: <c>*</c> any run of characters (also none), <c>?</c> exactly one.</summary>
public static class Glob
{
    public static bool Matches(string pattern, string text)
    {
        // Linear backtracking: remember the last '*' and how much of the text it has taken so far.
        int p = 0, t = 0, star = -1, taken = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                taken = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++taken;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
