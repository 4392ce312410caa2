using System.Text.Json;
using Json.Schema;

namespace CybrLink.Core.Actions;

/// <summary>
/// Reads manifests: JSON, then the manifest format (<c>action-manifest.schema.json</c>), then the rules a schema cannot
/// say (<see cref="ActionBuilder"/>). The first problem becomes an <see cref="ActionManifestException"/> whose message
/// is one sentence naming the file and the JSON path.
/// </summary>
internal static class ActionManifestLoader
{
    private static readonly JsonSerializerOptions Wire = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly Lazy<JsonSchema> ManifestSchema = new(LoadManifestSchema);

    public static IReadOnlyList<ActionDefinition> Load(ActionManifestSource source, BuildOptions schemaOptions)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(source.Json);
        }
        catch (JsonException e)
        {
            var pointer = JsonSyntaxLocator.PointerAtError(source.Json);
            var after = pointer.Length == 0 ? "" : $", after {pointer}";
            throw new ActionManifestException(
                $"Action manifest {source.FileName} is not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}{after}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (FirstError(ManifestSchema.Value.Evaluate(root, SchemaErrors.Options), "") is { } formatError)
            {
                throw Invalid(source, formatError.Pointer, formatError.Message);
            }

            var manifest = root.Deserialize<ActionManifestFile>(Wire)!;
            if (manifest.Provider + ".json" != source.FileName)
            {
                throw Invalid(source, "/provider", $"the provider \"{manifest.Provider}\" must match the file name");
            }

            var builder = new ActionBuilder(manifest.Provider, schemaOptions, (pointer, message) => throw Invalid(source, pointer, message));
            var actions = new List<ActionDefinition>();
            for (var i = 0; i < manifest.Actions.Count; i++)
            {
                var duplicate = manifest.Actions.FindIndex(a => a.Key == manifest.Actions[i].Key);
                if (duplicate < i)
                {
                    throw Invalid(source, $"/actions/{i}/key", $"the key \"{manifest.Actions[i].Key}\" is already used by /actions/{duplicate}");
                }

                actions.Add(builder.Build(manifest.Actions[i], $"/actions/{i}"));
            }

            return actions;
        }
    }

    /// <summary>
    /// The most specific error of a failed evaluation (the deepest instance location; the first of those), with the
    /// false schema of <c>additionalProperties</c> said in words.
    /// </summary>
    public static ActionInputError? FirstError(EvaluationResults results, string prefix)
    {
        if (results.IsValid)
        {
            return null;
        }

        var errors = SchemaErrors.Collect(results);
        if (errors.Count == 0)
        {
            return new ActionInputError(prefix, "does not match the expected format");
        }

        var best = errors.MaxBy(e => e.Pointer.Count(c => c == '/'));
        var message = best.Keyword.Length == 0 ? "this field is not part of the format" : best.Message;
        return new ActionInputError(prefix + best.Pointer, message);
    }

    private static ActionManifestException Invalid(ActionManifestSource source, string pointer, string message)
    {
        var sentence = message.TrimEnd('.').ReplaceLineEndings(" ");
        var where = pointer.Length == 0 ? "the top level" : pointer;
        return new ActionManifestException($"Action manifest {source.FileName} is invalid at {where}: {sentence}.");
    }

    private static JsonSchema LoadManifestSchema()
    {
        using var stream = typeof(ActionManifestLoader).Assembly.GetManifestResourceStream("CybrLink.Core.Actions.action-manifest.schema.json")!;
        using var document = JsonDocument.Parse(stream);
        var options = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.Build(document.RootElement.Clone(), options);
    }
}

internal sealed record ActionManifestFile(string Provider, string NangoBaseUrl, string? Docs, List<ActionManifestAction> Actions);

internal sealed record ActionManifestAction(
    string Key,
    string Title,
    string Description,
    string Kind,
    string Method,
    string Path,
    JsonElement InputSchema,
    JsonElement? Query,
    JsonElement? Body,
    Dictionary<string, string>? Headers,
    ActionManifestGraphQl? Graphql,
    ActionManifestMessage? Rfc2822Message,
    string? Result,
    JsonElement Example);

internal sealed record ActionManifestGraphQl(string Query);

internal sealed record ActionManifestMessage(string Field, string To, string? Cc, string Subject, string Text);
