using System.Text.Json;

namespace CybrLink.Core.Actions;

/// <summary>
/// A JSON value in which a string that is exactly <c>"{{name}}"</c> stands for the input <c>name</c> (its JSON value,
/// type kept). A member or array item whose placeholders all name absent inputs is left out; parts without placeholders
/// are fixed values sent as written.
/// </summary>
internal abstract class JsonTemplate
{
    protected JsonTemplate(IReadOnlySet<string> inputs) => Inputs = inputs;

    /// <summary>Every input this part refers to.</summary>
    public IReadOnlySet<string> Inputs { get; }

    /// <summary>Whether to write this part: it has no placeholder, or at least one of its inputs was given.</summary>
    public bool IsPresent(JsonElement input) => Inputs.Count == 0 || Inputs.Any(name => input.TryGetProperty(name, out _));

    public abstract void Write(Utf8JsonWriter writer, JsonElement input);

    /// <summary>The input a whole-string placeholder names, or null for any other string.</summary>
    public static string? PlaceholderName(string value) =>
        value.Length > 4 && value.StartsWith("{{", StringComparison.Ordinal) && value.EndsWith("}}", StringComparison.Ordinal)
            ? value[2..^2]
            : null;

    /// <summary>Parses a template; <paramref name="fail"/> receives a relative JSON pointer and a sentence.</summary>
    public static JsonTemplate Parse(JsonElement element, string pointer, Action<string, string> fail)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = element.EnumerateObject()
                    .Select(p => (p.Name, Parse(p.Value, $"{pointer}/{JsonPointers.Escape(p.Name)}", fail)))
                    .ToList();
                return new ObjectTemplate(members);
            case JsonValueKind.Array:
                return new ArrayTemplate(element.EnumerateArray().Select((item, i) => Parse(item, $"{pointer}/{i}", fail)).ToList());
            case JsonValueKind.String when element.GetString() is { } text && text.Contains("{{", StringComparison.Ordinal):
                if (PlaceholderName(text) is not { } name || name.Contains('{') || name.Contains('}'))
                {
                    fail(pointer, $"\"{text}\" is neither a fixed value nor exactly one placeholder \"{{{{input}}}}\"");
                    return new FixedTemplate(element.Clone());
                }

                return new PlaceholderTemplate(name);
            default:
                return new FixedTemplate(element.Clone());
        }
    }

    /// <summary>The shortcut form: a list of input names, each sent as the member of the same name.</summary>
    public static JsonTemplate FromNames(IEnumerable<string> names) =>
        new ObjectTemplate(names.Select(name => (name, (JsonTemplate)new PlaceholderTemplate(name))).ToList());

    internal sealed class FixedTemplate(JsonElement value) : JsonTemplate(new HashSet<string>())
    {
        public JsonElement Value => value;

        public override void Write(Utf8JsonWriter writer, JsonElement input) => value.WriteTo(writer);
    }

    internal sealed class PlaceholderTemplate(string name) : JsonTemplate(new HashSet<string>(StringComparer.Ordinal) { name })
    {
        public string Name => name;

        public override void Write(Utf8JsonWriter writer, JsonElement input)
        {
            if (input.TryGetProperty(name, out var value))
            {
                value.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    internal sealed class ObjectTemplate(IReadOnlyList<(string Name, JsonTemplate Value)> members)
        : JsonTemplate(members.SelectMany(m => m.Value.Inputs).ToHashSet(StringComparer.Ordinal))
    {
        public IReadOnlyList<(string Name, JsonTemplate Value)> Members => members;

        public override void Write(Utf8JsonWriter writer, JsonElement input)
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members.Where(m => m.Value.IsPresent(input)))
            {
                writer.WritePropertyName(name);
                value.Write(writer, input);
            }

            writer.WriteEndObject();
        }
    }

    private sealed class ArrayTemplate(IReadOnlyList<JsonTemplate> items)
        : JsonTemplate(items.SelectMany(i => i.Inputs).ToHashSet(StringComparer.Ordinal))
    {
        public override void Write(Utf8JsonWriter writer, JsonElement input)
        {
            writer.WriteStartArray();
            foreach (var item in items.Where(i => i.IsPresent(input)))
            {
                item.Write(writer, input);
            }

            writer.WriteEndArray();
        }
    }
}
