using System.Text;
using System.Text.Json;
using Json.Schema;

namespace CybrLink.Core.Actions;

/// <summary>
/// One typed action of a Nango provider, as its manifest declares it: what the agent may send (<see cref="InputSchema"/>)
/// and the provider call it becomes (<see cref="BuildRequest"/>). Built and checked by <see cref="ActionCatalog"/>.
/// </summary>
public sealed class ActionDefinition
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    private readonly JsonSchema _schema;
    private readonly IReadOnlySet<string> _inputNames;
    private readonly ActionPath _path;
    private readonly ActionPlacement _placement;
    private readonly string? _resultPointer;

    internal ActionDefinition(
        string provider, ActionManifestAction manifest, JsonSchema schema, ActionPath path, ActionPlacement placement)
    {
        Provider = provider;
        Key = manifest.Key;
        Title = manifest.Title;
        Description = manifest.Description;
        Kind = manifest.Kind == "write" ? ActionKind.Write : ActionKind.Read;
        Method = manifest.Method;
        PathTemplate = manifest.Path;
        InputSchema = manifest.InputSchema.Clone();
        Example = manifest.Example.Clone();
        _schema = schema;
        _inputNames = InputSchema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        _path = path;
        _placement = placement;
        _resultPointer = manifest.Result;
    }

    /// <summary>The Nango provider name (e.g. <c>github</c>); the action applies to every integration of it.</summary>
    public string Provider { get; }

    /// <summary>snake_case, unique per provider (e.g. <c>list_repositories</c>).</summary>
    public string Key { get; }

    public string Title { get; }

    /// <summary>Written for a model: what it does, when to use it, what it returns.</summary>
    public string Description { get; }

    public ActionKind Kind { get; }

    /// <summary>Uppercase HTTP method of the provider call.</summary>
    public string Method { get; }

    /// <summary>The provider path with <c>{param}</c>s, relative to Nango's proxy <c>base_url</c> for the provider.</summary>
    public string PathTemplate { get; }

    /// <summary>The JSON Schema (2020-12) of the input, as shown to agents.</summary>
    public JsonElement InputSchema { get; }

    /// <summary>A valid sample input (for documentation, MCP and tests).</summary>
    public JsonElement Example { get; }

    /// <summary>
    /// Every problem with <paramref name="input"/>, each with its JSON pointer; empty when the input may be sent.
    /// An object is required, unknown inputs are refused by name, and the schema's own errors follow.
    /// </summary>
    public IReadOnlyList<ActionInputError> ValidateInput(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return [new ActionInputError("", "The input must be a JSON object.")];
        }

        var errors = new List<ActionInputError>();
        foreach (var property in input.EnumerateObject().Where(p => !_inputNames.Contains(p.Name)))
        {
            var known = _inputNames.Count == 0 ? "this action takes no inputs" : $"known inputs: {string.Join(", ", _inputNames.Order(StringComparer.Ordinal))}";
            errors.Add(new ActionInputError($"/{JsonPointers.Escape(property.Name)}", $"\"{property.Name}\" is not an input of this action ({known})."));
        }

        foreach (var (pointer, keyword, message) in SchemaErrors.Collect(_schema.Evaluate(input, SchemaErrors.Options)))
        {
            // The false schema of "additionalProperties" reports each unknown member; those at the top are named above.
            if (keyword.Length == 0 && errors.Any(e => e.Pointer == pointer))
            {
                continue;
            }

            errors.Add(new ActionInputError(pointer, keyword.Length == 0 ? "is not allowed here." : message));
        }

        errors.AddRange(ShapeErrors(input).Where(e => errors.All(known => known.Pointer != e.Pointer)));
        return errors.DistinctBy(e => (e.Pointer, e.Message)).ToList();
    }

    /// <summary>
    /// The provider call for a valid input (call <see cref="ValidateInput"/> first). Whatever the input, the path stays
    /// inside the template: a parameter that is missing, empty or a dot segment throws <see cref="ActionInputException"/>.
    /// </summary>
    public ActionRequest BuildRequest(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new ActionInputException([new ActionInputError("", "The input must be a JSON object.")]);
        }

        if (ShapeErrors(input).ToList() is { Count: > 0 } errors)
        {
            throw new ActionInputException(errors);
        }

        return new ActionRequest(Method, _path.Build(input), Query(input), Body(input), _placement.Headers);
    }

    /// <summary>The part of the provider's answer the manifest's <c>result</c> pointer selects, or all of it.</summary>
    public JsonElement SelectResult(JsonElement upstreamBody) =>
        _resultPointer is not null && JsonPointers.Resolve(upstreamBody, _resultPointer) is { } selected ? selected : upstreamBody;

    private IEnumerable<ActionInputError> ShapeErrors(JsonElement input) =>
        _path.Check(input).Concat(_placement.Message?.Check(input) ?? []);

    private string? Query(JsonElement input)
    {
        if (_placement.Query is null)
        {
            return null;
        }

        var query = new StringBuilder();
        foreach (var (name, value) in _placement.Query.Members.Where(m => m.Value.IsPresent(input)))
        {
            var text = value is JsonTemplate.PlaceholderTemplate placeholder
                ? ActionPath.Value(input.GetProperty(placeholder.Name))
                : ActionPath.Value(((JsonTemplate.FixedTemplate)value).Value);
            if (text is null)
            {
                continue;
            }

            query.Append(query.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(text));
        }

        return query.Length == 0 ? null : query.ToString();
    }

    private string? Body(JsonElement input)
    {
        if (_placement.Body is null && _placement.GraphQl is null && _placement.Message is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            if (_placement.GraphQl is { } document)
            {
                // GraphQL: one fixed document; every input that is not a path parameter becomes a variable.
                writer.WriteStartObject();
                writer.WriteString("query", document);
                writer.WriteStartObject("variables");
                foreach (var property in input.EnumerateObject().Where(p => !_path.Parameters.Contains(p.Name)))
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                WriteBody(writer, input);
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteBody(Utf8JsonWriter writer, JsonElement input)
    {
        writer.WriteStartObject();
        if (_placement.Body is JsonTemplate.ObjectTemplate body)
        {
            foreach (var (name, value) in body.Members.Where(m => m.Value.IsPresent(input)))
            {
                writer.WritePropertyName(name);
                value.Write(writer, input);
            }
        }

        if (_placement.Message is { } message)
        {
            writer.WriteString(message.Field, message.Encode(input));
        }

        writer.WriteEndObject();
    }
}
