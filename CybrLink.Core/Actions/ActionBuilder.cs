using System.Text.Json;
using Json.Schema;

namespace CybrLink.Core.Actions;

/// <summary>Where an action's inputs go, besides the path: query, body (or a GraphQL document), an e-mail, fixed headers.</summary>
internal sealed record ActionPlacement(
    JsonTemplate.ObjectTemplate? Query,
    JsonTemplate.ObjectTemplate? Body,
    string? GraphQl,
    Rfc2822Message? Message,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// The rules of one action that its manifest's format cannot state: a valid 2020-12 input schema, path parameters that
/// are required scalar inputs, every placed input declared, every declared input placed exactly once, a valid example.
/// </summary>
internal sealed class ActionBuilder(string provider, BuildOptions schemaOptions, Action<string, string> fail)
{
    private const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    // Note: a manifest must not be able to steer Nango (another connection, another host, retries) or the transport;
    // the same names the raw proxy refuses from agents.
    private static readonly string[] ForbiddenHeaders =
        ["Authorization", "Connection-Id", "Provider-Config-Key", "Base-Url-Override", "Retries", "Retry-On", "Decompress",
         "Host", "Content-Length", "Transfer-Encoding", "Connection", "Cookie", "Proxy-Authorization"];

    public ActionDefinition Build(ActionManifestAction action, string at)
    {
        var properties = CheckInputSchema(action.InputSchema, $"{at}/input_schema");
        var schema = BuildSchema(action.InputSchema, $"{at}/input_schema");
        var placed = new Dictionary<string, string>(StringComparer.Ordinal);

        var (path, problem) = ActionPath.Parse(action.Path);
        if (path is null)
        {
            fail($"{at}/path", problem!);
        }

        foreach (var parameter in path!.Parameters)
        {
            if (!properties.TryGetValue(parameter, out var type) || type is not ("string" or "integer") || !IsRequired(action.InputSchema, parameter))
            {
                fail($"{at}/path", $"the path parameter {{{parameter}}} must be a required string or integer property of input_schema");
            }

            Place(placed, parameter, $"{at}/path", at);
        }

        var query = Template(action.Query, $"{at}/query", properties, placed, at, scalarOnly: true);
        var body = Template(action.Body, $"{at}/body", properties, placed, at, scalarOnly: false);
        if (body is not null && action.Method == "GET")
        {
            fail($"{at}/body", "a GET action cannot have a body");
        }

        if (action.Graphql is not null)
        {
            if (action.Method != "POST" || body is not null || query is not null || action.Rfc2822Message is not null)
            {
                fail($"{at}/graphql", "a GraphQL action is a POST with no body, query or rfc2822_message of its own (its inputs are the variables)");
            }

            foreach (var name in properties.Keys.Where(n => !placed.ContainsKey(n)))
            {
                Place(placed, name, $"{at}/graphql", at);
            }
        }

        var message = Message(action.Rfc2822Message, $"{at}/rfc2822_message", properties, placed, body, at);
        foreach (var name in (action.Headers ?? []).Keys)
        {
            if (ForbiddenHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("Nango-", StringComparison.OrdinalIgnoreCase))
            {
                fail($"{at}/headers/{JsonPointers.Escape(name)}", $"the header {name} may not be set by a manifest");
            }
        }

        foreach (var name in properties.Keys.Where(n => !placed.ContainsKey(n)))
        {
            fail($"{at}/input_schema/properties/{JsonPointers.Escape(name)}",
                "this input is never sent: use it in the path, query, body, graphql or rfc2822_message");
        }

        var placement = new ActionPlacement(query, body, action.Graphql?.Query, message, action.Headers ?? []);
        var definition = new ActionDefinition(provider, action, schema, path, placement);
        if (definition.ValidateInput(action.Example).FirstOrDefault() is { } exampleError)
        {
            fail($"{at}/example{exampleError.Pointer}", $"the example does not fit input_schema: {exampleError.Message}");
        }

        return definition;
    }

    private static bool IsRequired(JsonElement schema, string name) =>
        schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
        && required.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == name);

    /// <summary>Checks the input schema's shape and returns its properties with their "type" (null when not one string).</summary>
    private Dictionary<string, string?> CheckInputSchema(JsonElement schema, string at)
    {
        if (ActionManifestLoader.FirstError(MetaSchemas.Draft202012.Evaluate(schema, SchemaErrors.Options), at) is { } metaError)
        {
            fail(metaError.Pointer, $"input_schema is not a valid JSON Schema 2020-12: {metaError.Message}");
        }

        if (!schema.TryGetProperty("$schema", out var dialect) || dialect.GetString() != Draft202012)
        {
            fail($"{at}/$schema", $"input_schema must declare \"$schema\": \"{Draft202012}\"");
        }

        if (!schema.TryGetProperty("type", out var type) || type.GetString() != "object"
            || !schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
        {
            fail(at, "input_schema must have \"type\": \"object\" and \"additionalProperties\": false");
        }

        var properties = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (!schema.TryGetProperty("properties", out var declared))
        {
            return properties;
        }

        foreach (var property in declared.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object || !property.Value.TryGetProperty("description", out _))
            {
                fail($"{at}/properties/{JsonPointers.Escape(property.Name)}", "every input needs a \"description\" (agents read it)");
            }

            properties[property.Name] = property.Value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }

        return properties;
    }

    private JsonSchema BuildSchema(JsonElement schema, string at)
    {
        try
        {
            return JsonSchema.Build(schema.Clone(), schemaOptions);
        }
        catch (JsonSchemaException e)
        {
            fail(at, $"input_schema cannot be used: {e.Message}");
            throw;
        }
    }

    private JsonTemplate.ObjectTemplate? Template(
        JsonElement? declared, string at, Dictionary<string, string?> properties, Dictionary<string, string> placed, string action, bool scalarOnly)
    {
        if (declared is not { } element)
        {
            return null;
        }

        var template = element.ValueKind == JsonValueKind.Array
            ? (JsonTemplate.ObjectTemplate)JsonTemplate.FromNames(element.EnumerateArray().Select(e => e.GetString()!))
            : (JsonTemplate.ObjectTemplate)JsonTemplate.Parse(element, at, fail);
        var index = 0;
        foreach (var (member, value) in template.Members)
        {
            var where = element.ValueKind == JsonValueKind.Array ? $"{at}/{index++}" : $"{at}/{JsonPointers.Escape(member)}";
            foreach (var name in value.Inputs)
            {
                if (!properties.TryGetValue(name, out var type))
                {
                    fail(where, $"\"{name}\" is not a property of input_schema");
                }

                if (scalarOnly && type is not ("string" or "integer" or "number" or "boolean"))
                {
                    fail(where, $"the query input \"{name}\" must have a scalar \"type\" (string, integer, number or boolean)");
                }

                Place(placed, name, where, action);
            }
        }

        return template;
    }

    private Rfc2822Message? Message(
        ActionManifestMessage? declared, string at, Dictionary<string, string?> properties, Dictionary<string, string> placed,
        JsonTemplate.ObjectTemplate? body, string action)
    {
        if (declared is null)
        {
            return null;
        }

        if (body?.Members.Any(m => m.Name == declared.Field) == true)
        {
            fail($"{at}/field", $"the body already has a member \"{declared.Field}\"");
        }

        foreach (var (part, name) in new[] { ("to", declared.To), ("cc", declared.Cc), ("subject", declared.Subject), ("text", declared.Text) })
        {
            if (name is null)
            {
                continue;
            }

            if (!properties.TryGetValue(name, out var type) || type != "string")
            {
                fail($"{at}/{part}", $"\"{name}\" must be a string property of input_schema");
            }

            Place(placed, name, $"{at}/{part}", action);
        }

        return new Rfc2822Message(declared.Field, declared.To, declared.Cc, declared.Subject, declared.Text);
    }

    private void Place(Dictionary<string, string> placed, string name, string where, string action)
    {
        if (placed.TryGetValue(name, out var first))
        {
            fail(where, $"the input \"{name}\" is already sent at {first[action.Length..].TrimStart('/')}");
        }

        placed[name] = where;
    }
}
