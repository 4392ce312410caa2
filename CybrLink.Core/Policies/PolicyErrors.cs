using System.Text.Json;

namespace CybrLink.Core.Policies;

/// <summary>A policy that cannot be accepted: each error keyed by its path in the body (<c>rules[2].proxy[0].methods[1]</c>).</summary>
public sealed class PolicyValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The policy cannot be accepted: " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Collects errors by path while a policy is read; capped so a huge bad body gets a bounded answer.</summary>
internal sealed class PolicyErrors
{
    public const int MaxErrors = 100;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    /// <summary>How many messages so far, to tell whether reading one part added any.</summary>
    public int Count { get; private set; }

    public void Add(string path, string message)
    {
        Count++;
        if (_errors.TryGetValue(path, out var list))
        {
            list.Add(message);
        }
        else if (_errors.Count < MaxErrors)
        {
            _errors[path] = [message];
        }
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// The known members of an object, by name (the first of a repeated one), or null when <paramref name="element"/> is
    /// not an object. Every unknown and repeated member is named as an error, and reading goes on so that the errors of
    /// the known members are reported in the same answer.
    /// </summary>
    public Dictionary<string, JsonElement>? ReadObject(JsonElement element, string path, params ReadOnlySpan<string> allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(path, "Must be a JSON object.");
            return null;
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (!allowed.Contains(member.Name))
            {
                Add(memberPath, "Unknown field.");
            }
            else if (!fields.TryAdd(member.Name, member.Value))
            {
                Add(memberPath, "Duplicate field.");
            }
        }

        return fields;
    }

    /// <summary>The items of an array of 1..<paramref name="max"/> items, or null (with an error).</summary>
    public JsonElement[]? ReadArray(JsonElement element, string path, int max)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Add(path, "Must be an array.");
            return null;
        }

        var length = element.GetArrayLength();
        if (length == 0 || length > max)
        {
            Add(path, $"Give 1 to {max} items (or leave the field out).");
            return null;
        }

        return [.. element.EnumerateArray()];
    }

    /// <summary>The string, or null (with an error) when it is not one of 1..<paramref name="maxLength"/> characters.</summary>
    public string? ReadString(JsonElement element, string path, int maxLength)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            Add(path, "Must be a string.");
            return null;
        }

        var value = element.GetString()!;
        if (value.Length == 0 || value.Length > maxLength)
        {
            Add(path, $"Must be 1 to {maxLength} characters.");
            return null;
        }

        return value;
    }

    public static bool IsAbsent(Dictionary<string, JsonElement> fields, string name, out JsonElement value) =>
        !fields.TryGetValue(name, out value) || value.ValueKind == JsonValueKind.Null;
}
