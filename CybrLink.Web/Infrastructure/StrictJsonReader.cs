using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CybrLink.Web.Infrastructure;

/// <summary>
/// Reads a JSON body the strict way before the framework binds it: every unknown or repeated field is named, a wrong
/// type names its field, and the answer is the same problem+json in every environment.
/// </summary>
public sealed class StrictJsonReader(JsonSerializerOptions options)
{
    public const string BodyKey = "body";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public JsonSerializerOptions Options { get; } = options;

    /// <summary>Syntax errors: a sentence for a 400, or null when the bytes are one well-formed JSON value.</summary>
    public static string? SyntaxError(ReadOnlyMemory<byte> body, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
            return null;
        }
        catch (JsonException e)
        {
            document = null;
            return $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
        }
    }

    /// <summary>Field errors (snake_case paths), empty when the document binds to <paramref name="type"/>.</summary>
    public Dictionary<string, string[]> Check(JsonDocument document, Type type, bool optional)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (document.RootElement.ValueKind == JsonValueKind.Null && optional)
        {
            return errors;
        }

        var typeInfo = Options.GetTypeInfo(type);
        Walk(document.RootElement, typeInfo, "", errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        try
        {
            _ = document.RootElement.Deserialize(typeInfo);
        }
        catch (JsonException e)
        {
            var path = PathOf(e.Path);
            errors[path] = [$"Must be {Describe(TypeAt(typeInfo, path))}."];
        }

        return errors;
    }

    /// <summary>Unknown and repeated members, all of them, at every depth the type declares.</summary>
    private void Walk(JsonElement element, JsonTypeInfo typeInfo, string path, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (!seen.Add(member.Name))
            {
                errors[memberPath] = ["Duplicate field."];
                continue;
            }

            if (typeInfo.Kind == JsonTypeInfoKind.Dictionary)
            {
                continue;
            }

            if (typeInfo.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            var property = typeInfo.Properties.FirstOrDefault(p => p.Name == member.Name);
            if (property is null)
            {
                errors[memberPath] = ["Unknown field."];
            }
            else
            {
                Walk(member.Value, Options.GetTypeInfo(property.PropertyType), memberPath, errors);
            }
        }
    }

    private Type? TypeAt(JsonTypeInfo root, string path)
    {
        if (path == BodyKey)
        {
            return root.Type;
        }

        var current = root;
        foreach (var segment in path.Split('.'))
        {
            var next = current.Kind switch
            {
                JsonTypeInfoKind.Object => current.Properties.FirstOrDefault(p => p.Name == segment)?.PropertyType,
                JsonTypeInfoKind.Dictionary => current.ElementType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            current = Options.GetTypeInfo(next);
        }

        return current.Type;
    }

    private static string Describe(Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            null => "a value of the documented type",
            _ when t == typeof(string) => "a string",
            _ when t == typeof(int) || t == typeof(long) => "a whole number",
            _ when t == typeof(bool) => "true or false",
            _ when t == typeof(Guid) => "a UUID string",
            _ when t == typeof(DateTimeOffset) => "an ISO 8601 date-time string",
            _ when t.IsEnum => "one of the documented values",
            _ when t.IsAssignableTo(typeof(System.Collections.IDictionary)) => "an object whose values are strings",
            _ => "a JSON object",
        };
    }

    // "$.end_user.id" -> "end_user.id"; "$['a b']" -> "a b"; "$" -> "body".
    private static string PathOf(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return BodyKey;
        }

        var text = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return text.Replace("['", ".").Replace("']", "").TrimStart('.');
    }
}
