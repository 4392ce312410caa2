using System.Text;
using System.Text.Json;

namespace CybrLink.Core.Actions;

/// <summary>A path template such as <c>/repos/{owner}/{repo}/issues</c>: fixed text and <c>{param}</c>s.</summary>
internal sealed class ActionPath
{
    private readonly IReadOnlyList<(string Text, bool IsParameter)> _parts;

    private ActionPath(IReadOnlyList<(string Text, bool IsParameter)> parts) => _parts = parts;

    public IReadOnlyList<string> Parameters => _parts.Where(p => p.IsParameter).Select(p => p.Text).ToList();

    /// <summary>Parses a template, or returns a sentence saying what is wrong with it.</summary>
    public static (ActionPath? Path, string? Problem) Parse(string template)
    {
        if (!template.StartsWith('/') || template.IndexOfAny(['?', '#', '\\', '%', ' ']) >= 0)
        {
            return (null, "the path must start with / and contain no ?, #, %, \\ or spaces (declare query inputs in \"query\")");
        }

        if (template.Split('/').Any(segment => segment is "." or ".."))
        {
            return (null, "the path must not contain . or .. segments");
        }

        var parts = new List<(string, bool)>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            var close = template.IndexOf('}', position);
            if (open < 0 && close < 0)
            {
                parts.Add((template[position..], false));
                break;
            }

            if (open < 0 || close < open)
            {
                return (null, "the path has a } without a matching {");
            }

            var end = template.IndexOf('}', open);
            var name = end < 0 ? "" : template[(open + 1)..end];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return (null, "a path parameter must be {name} with letters, digits or _");
            }

            if (open > position)
            {
                parts.Add((template[position..open], false));
            }

            parts.Add((name, true));
            position = end + 1;
        }

        return (new ActionPath(parts), null);
    }

    /// <summary>Values that cannot be a path parameter: missing, empty, or a dot segment once substituted.</summary>
    public IEnumerable<ActionInputError> Check(JsonElement input)
    {
        foreach (var name in Parameters)
        {
            var pointer = $"/{JsonPointers.Escape(name)}";
            if (!input.TryGetProperty(name, out var value) || Value(value) is not { } text)
            {
                yield return new ActionInputError(pointer, "is required (a string or an integer)");
            }
            else if (text is "" or "." or "..")
            {
                // Note: EscapeDataString leaves dots alone, so "." and ".." would become dot segments that the
                // provider or a proxy on the way resolves, moving the call outside the template.
                yield return new ActionInputError(pointer, "must not be empty, \".\" or \"..\"");
            }
        }
    }

    /// <summary>The path with every parameter percent-encoded as exactly one segment's worth of text.</summary>
    public string Build(JsonElement input)
    {
        var path = new StringBuilder();
        foreach (var (text, isParameter) in _parts)
        {
            // Note: Uri.EscapeDataString encodes '/', '?', '#' and '%' too, so a value such as "a/b" or "../../admin"
            // stays inside its own segment and can never leave the template.
            path.Append(isParameter ? Uri.EscapeDataString(Value(input.GetProperty(text))!) : text);
        }

        return path.ToString();
    }

    /// <summary>The text of a scalar input for a URL (strings as they are, numbers and booleans as JSON writes them).</summary>
    public static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
