using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CybrLink.Sandbox.Infrastructure;

/// <summary>
/// Nango validates inputs with zod <c>.strict()</c> schemas: unknown keys and wrong types are 400s listing
/// zod-like issues. This collects those issues while a handler reads its body.
/// </summary>
internal sealed partial class Strict
{
    private readonly List<ZodIssue> _issues = [];

    public IReadOnlyList<ZodIssue> Issues => _issues;

    public bool IsValid => _issues.Count == 0;

    public void Add(string code, string message, params string[] path) => _issues.Add(new ZodIssue(code, message, path));

    /// <summary>Reads the request body as JSON (an empty body is <c>{}</c>, as express.json leaves it).</summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text))
            return (new JsonObject(), null);
        try
        {
            return (JsonNode.Parse(text), null);
        }
        catch (JsonException)
        {
            return (null, NangoResults.Error(400, "invalid_json", "Invalid JSON body"));
        }
    }

    /// <summary>A JSON request with no query string at all (Nango's <c>requireEmptyQuery</c> + body parsing).</summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadBodyWithEmptyQueryAsync(HttpRequest request, CancellationToken ct) =>
        OnlyQuery(request) is { } invalidQuery ? (null, invalidQuery) : await ReadBodyAsync(request, ct);

    /// <summary>Nango's <c>requireEmptyQuery</c> and strict query schemas: any parameter not allowed is a 400.</summary>
    public static IResult? OnlyQuery(HttpRequest request, Func<string, bool> allowed)
    {
        var unknown = request.Query.Keys.Where(k => !allowed(k)).ToList();
        return unknown.Count == 0 ? null : NangoResults.InvalidQuery([UnrecognizedKeys(unknown, [])]);
    }

    public static IResult? OnlyQuery(HttpRequest request, params string[] allowed) =>
        OnlyQuery(request, k => allowed.Contains(k, StringComparer.Ordinal));

    public static ZodIssue UnrecognizedKeys(IEnumerable<string> keys, string[] path) =>
        new("unrecognized_keys", $"Unrecognized key(s) in object: {string.Join(", ", keys.Select(k => $"'{k}'"))}", path);

    public static string[] Path(string[] parent, string key) => [.. parent, key];

    /// <summary>An object whose keys must all be in <paramref name="allowed"/>.</summary>
    public JsonObject? Object(JsonNode? node, string[] path, bool required, params string[] allowed)
    {
        var obj = AnyObject(node, path, required);
        if (obj is not null && allowed.Length > 0)
        {
            var unknown = obj.Select(p => p.Key).Where(k => !allowed.Contains(k, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
                _issues.Add(UnrecognizedKeys(unknown, path));
        }
        return obj;
    }

    /// <summary>A free-form object (zod <c>record</c> / <c>passthrough</c>).</summary>
    public JsonObject? AnyObject(JsonNode? node, string[] path, bool required)
    {
        if (node is null)
        {
            if (required)
                Add("invalid_type", "Required", path);
            return null;
        }
        if (node is JsonObject obj)
            return obj;
        Add("invalid_type", $"Expected object, received {Kind(node)}", path);
        return null;
    }

    public bool Has(JsonObject? obj, string key) => obj is not null && obj.ContainsKey(key);

    public string? String(JsonObject? obj, string key, string[] parent, bool required, int min = 0, int max = int.MaxValue,
        Regex? pattern = null, string? patternMessage = null)
    {
        var path = Path(parent, key);
        if (obj is null)
            return null;
        if (!obj.TryGetPropertyValue(key, out var node))
        {
            if (required)
                Add("invalid_type", "Required", path);
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            Add("invalid_type", $"Expected string, received {Kind(node)}", path);
            return null;
        }
        var text = value.GetValue<string>();
        if (text.Length < min)
            Add("too_small", $"String must contain at least {min} character(s)", path);
        else if (text.Length > max)
            Add("too_big", $"String must contain at most {max} character(s)", path);
        else if (pattern is not null && !pattern.IsMatch(text))
            Add("invalid_string", patternMessage ?? "Invalid", path);
        return text;
    }

    public bool? Bool(JsonObject? obj, string key, string[] parent)
    {
        if (obj is null || !obj.TryGetPropertyValue(key, out var node))
            return null;
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return value.GetValue<bool>();
        Add("invalid_type", $"Expected boolean, received {Kind(node)}", Path(parent, key));
        return null;
    }

    public List<string>? StringArray(JsonObject? obj, string key, string[] parent)
    {
        if (obj is null || !obj.TryGetPropertyValue(key, out var node))
            return null;
        var path = Path(parent, key);
        if (node is not JsonArray array)
        {
            Add("invalid_type", $"Expected array, received {Kind(node)}", path);
            return null;
        }
        var items = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                items.Add(v.GetValue<string>());
            else
                Add("invalid_type", $"Expected string, received {Kind(array[i])}", Path(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return items;
    }

    /// <summary>A <c>record(string, string)</c>.</summary>
    public Dictionary<string, string>? StringRecord(JsonObject? obj, string key, string[] parent)
    {
        if (obj is null || !obj.TryGetPropertyValue(key, out var node))
            return null;
        var path = Path(parent, key);
        var record = AnyObject(node, path, required: true);
        if (record is null)
            return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in record)
        {
            if (v is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                result[k] = value.GetValue<string>();
            else
                Add("invalid_type", $"Expected string, received {Kind(v)}", Path(path, k));
        }
        return result;
    }

    /// <summary>
    /// Nango's tag rules: at most 10, key <c>^[a-zA-Z][a-zA-Z0-9_\-./]*$</c> up to 64 characters, value 1..255,
    /// <c>end_user_email</c> an email. Keys come back lower-cased.
    /// </summary>
    public Dictionary<string, string>? Tags(JsonObject? obj, string key, string[] parent)
    {
        var raw = StringRecord(obj, key, parent);
        if (raw is null)
            return null;
        var path = Path(parent, key);
        if (raw.Count > 10)
            Add("too_big", "Too many tags (max 10)", path);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in raw)
        {
            if (k.Length > 64 || !TagKeyRegex().IsMatch(k))
                Add("custom", "Tag key must start with a letter and contain only letters, digits, '_', '-', '.' or '/' (max 64)", Path(path, k));
            if (v.Length is < 1 or > 255)
                Add("custom", "Tag value must be between 1 and 255 characters", Path(path, k));
            else if (k.Equals("end_user_email", StringComparison.OrdinalIgnoreCase) && !EmailRegex().IsMatch(v))
                Add("invalid_string", "Invalid email", Path(path, k));
            tags[k.ToLowerInvariant()] = v;
        }
        return tags;
    }

    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9_\-./]*$")]
    private static partial Regex TagKeyRegex();

    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[^\s@]+$")]
    public static partial Regex EmailRegex();
}
