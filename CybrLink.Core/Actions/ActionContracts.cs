using System.Text.Json;

namespace CybrLink.Core.Actions;

/// <summary>Whether an action only reads the end user's data or changes it (policies and consent screens show this).</summary>
public enum ActionKind
{
    Read,
    Write,
}

/// <summary>One problem with an action's input: a JSON pointer into the input (<c>""</c> for the root) and a sentence.</summary>
public sealed record ActionInputError(string Pointer, string Message);

/// <summary>
/// The provider call an action becomes, relative to Nango's proxy <c>base_url</c> for the provider. <see cref="Path"/> and
/// <see cref="Query"/> (without the leading <c>?</c>) are already percent-encoded; <see cref="JsonBody"/> is sent as
/// <c>application/json</c> when not null; <see cref="Headers"/> are fixed provider headers, to be forwarded as
/// <c>Nango-Proxy-&lt;Name&gt;</c>.
/// </summary>
public sealed record ActionRequest(
    string Method, string Path, string? Query, string? JsonBody, IReadOnlyDictionary<string, string> Headers);

/// <summary>A manifest CybrLink cannot start with; the message is one sentence naming the file and the JSON path.</summary>
public sealed class ActionManifestException(string message) : Exception(message);

/// <summary>Thrown by <see cref="ActionDefinition.BuildRequest"/> for an input that could not be validated first.</summary>
public sealed class ActionInputException(IReadOnlyList<ActionInputError> errors)
    : Exception($"The action input is invalid: {string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}"))}")
{
    public IReadOnlyList<ActionInputError> Errors { get; } = errors;
}

/// <summary>A manifest to load: its file name (for error sentences) and its JSON text.</summary>
public sealed record ActionManifestSource(string FileName, string Json)
{
    private const string ResourcePrefix = "CybrLink.Core.Actions.Manifests.";

    /// <summary>The manifests shipped inside CybrLink.Core (<c>Actions/Manifests/*.json</c>).</summary>
    public static IReadOnlyList<ActionManifestSource> Embedded()
    {
        var assembly = typeof(ActionManifestSource).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return new ActionManifestSource(name[ResourcePrefix.Length..], reader.ReadToEnd());
            })
            .ToList();
    }
}

internal static class JsonPointers
{
    /// <summary>The element a JSON pointer (RFC 6901) selects, or null when it selects nothing.</summary>
    public static JsonElement? Resolve(JsonElement root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return root;
        }

        var current = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, null, out var index)
                && index < current.GetArrayLength() && (token == "0" || token[0] != '0'))
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
