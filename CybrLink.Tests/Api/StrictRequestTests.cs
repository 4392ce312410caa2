using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Sandbox;
using Xunit.Abstractions;

namespace CybrLink.Tests.Api;

/// <summary>
/// Walks CybrLink's OpenAPI document (plus the Connect UI's JSON calls, which it does not list) and sends every
/// operation bad input of every kind, in Development and in Production: each answer must be a problem+json 4xx
/// with a stable code, and the status that kind of mistake deserves.
/// </summary>
public sealed class StrictRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxBodyBytes = 4096;

    private RunningSandbox _sandbox = null!;

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task Every_operation_answers_every_kind_of_bad_input_with_a_problem_json_4xx_in_development_and_production()
    {
        var total = 0;
        var failures = new List<string>();
        foreach (var environment in new[] { "Development", "Production" })
        {
            await using var app = new EnvironmentAppFactory(environment, new Dictionary<string, string?>
            {
                ["Nango:BaseUrl"] = _sandbox.BaseUrl,
                ["Nango:SecretKey"] = _sandbox.Options.SecretKey,
                ["Nango:WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey,
                ["Api:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            var key = await app.CreateServerKeyAsync();
            var agentKey = await app.CreateAgentKeyAsync();
            using var http = app.CreateClient();
            using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
            var operations = Operations(document.RootElement).Concat(ConnectUiCalls()).ToList();
            Assert.Contains(operations, o => o.Path == "/api/v1/connect-sessions" && o.Body is not null);

            foreach (var operation in operations)
            {
                foreach (var @case in Cases(operation))
                {
                    total++;
                    // The agent API takes an agent credential; everything else a server key.
                    using var request = @case.Build(operation, operation.Path.StartsWith("/api/v1/agent/", StringComparison.Ordinal) ? agentKey : key);
                    using var response = await http.SendAsync(request);
                    var problem = await CheckAsync(response, @case);
                    if (problem is not null)
                    {
                        failures.Add($"{environment} {operation.Method} {operation.Path} [{@case.Name}]: {problem}");
                    }
                }
            }
        }

        output.WriteLineAsyncSafe($"{total} cases sent; {failures.Count} failed.");
        Assert.True(total >= 1000, $"Only {total} cases.");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    private static async Task<string?> CheckAsync(HttpResponseMessage response, Case @case)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status is < 400 or >= 500)
        {
            return $"status {status}: {Shorten(body)}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"status {status} as '{response.Content.Headers.ContentType}': {Shorten(body)}";
        }

        using var json = JsonDocument.Parse(body);
        if (!json.RootElement.TryGetProperty("code", out var code) || code.GetString() is not { Length: > 0 })
        {
            return $"no code: {Shorten(body)}";
        }

        if (@case.Status != status)
        {
            return $"expected {@case.Status}, got {status}: {Shorten(body)}";
        }

        // The field itself, or an entry inside it (connection_config.k) when the error is that precise.
        if (@case.ErrorKey is { } errorKey
            && !(json.RootElement.TryGetProperty("errors", out var errors)
                 && errors.EnumerateObject().Any(e => e.Name == errorKey || e.Name.StartsWith(errorKey + ".", StringComparison.Ordinal))))
        {
            return $"errors do not name '{errorKey}': {Shorten(body)}";
        }

        return null;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private sealed record Operation(string Method, string Path, bool Secured, IReadOnlyList<string> PathParameters,
        IReadOnlyList<(string Name, string Type)> Query, BodySpec? Body);

    /// <summary>A JSON body: its fields (dotted paths) with their kinds, and a minimal valid instance.</summary>
    private sealed record BodySpec(bool Required, IReadOnlyList<Field> Fields, Func<JsonObject> Valid);

    private sealed record Field(string Path, string Kind, bool Nullable);

    private sealed record Case(string Name, int Status, Func<Operation, string, HttpRequestMessage> Build, string? ErrorKey = null);

    private static IEnumerable<Operation> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var parameters = op.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                var pathParameters = parameters.Where(x => x.GetProperty("in").GetString() == "path")
                    .Select(x => x.GetProperty("name").GetString()!).ToList();
                var query = parameters.Where(x => x.GetProperty("in").GetString() == "query")
                    .Select(x => (x.GetProperty("name").GetString()!, TypeOf(document, x.GetProperty("schema")).Kind)).ToList();
                BodySpec? body = null;
                if (op.Value.TryGetProperty("requestBody", out var requestBody))
                {
                    var schema = TypeOf(document, requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema")).Schema;
                    Assert.True(schema.TryGetProperty("properties", out _), $"{path.Name}: the body schema lists no properties");
                    var fields = new List<Field>();
                    CollectFields(document, schema, "", fields);
                    var required = requestBody.TryGetProperty("required", out var r) && r.GetBoolean();
                    body = new BodySpec(required, fields, () => MinimalInstance(document, schema));
                }

                yield return new Operation(op.Name.ToUpperInvariant(), path.Name, op.Value.TryGetProperty("security", out _),
                    pathParameters, query, body);
            }
        }
    }

    /// <summary>The Connect UI's script calls: not in the API document, but JSON surfaces all the same.</summary>
    private static IEnumerable<Operation> ConnectUiCalls()
    {
        yield return new Operation("POST", "/connect/start", false, [], [],
            new BodySpec(false, [new Field("fields", "map", true)], () => []));
        yield return new Operation("POST", "/connect/complete", false, [], [],
            new BodySpec(true, [new Field("connection_id", "string", false)], () => new JsonObject { ["connection_id"] = "c1" }));
        yield return new Operation("POST", "/connect/fail", false, [], [],
            new BodySpec(true, [new Field("error", "string", false)], () => new JsonObject { ["error"] = "access_denied" }));
        yield return new Operation("GET", "/connect/status", false, [], [], null);
    }

    private static IEnumerable<Case> Cases(Operation operation)
    {
        if (operation.Secured)
        {
            yield return new Case("no Authorization", 401, (o, _) => Request(o, null));
            foreach (var bad in new[] { "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer cbl_" + new string('A', 43), "Bearer", "cbl_x" })
            {
                yield return new Case($"Authorization: {bad}", 401, (o, _) =>
                {
                    var request = Request(o, null);
                    request.Headers.TryAddWithoutValidation("Authorization", bad);
                    return request;
                });
            }
        }

        foreach (var name in operation.PathParameters)
        {
            foreach (var bad in new[] { "not-a-uuid", "1", "%20", "..%2F..%2Fetc", "00000000-0000-0000-0000-00000000000g", new string('a', 300) })
            {
                yield return new Case($"path {name}={bad}", 404, (o, key) => Request(o, key, pathValue: bad));
            }
        }

        foreach (var unknown in new[] { "foo", "endUserId", "user", "end-user-id", "a[b]", "%00", "limit2", "_" })
        {
            yield return new Case($"unknown query {unknown}", 422, (o, key) => Request(o, key, query: $"{unknown}=1"),
                ErrorKey: Uri.UnescapeDataString(unknown));
        }

        foreach (var (name, type) in operation.Query)
        {
            yield return new Case($"query {name} twice", 422, (o, key) => Request(o, key, query: $"{name}=1&{name}=2"), ErrorKey: name);
            if (type == "integer")
            {
                foreach (var bad in new[] { "abc", "1.5", "99999999999", "", "-", "1e3", "0x10", "%20" })
                {
                    yield return new Case($"query {name}={bad}", 422, (o, key) => Request(o, key, query: $"{name}={bad}"), ErrorKey: name);
                }

                foreach (var outOfRange in new[] { "0", "-1", "100000" })
                {
                    yield return new Case($"query {name}={outOfRange}", 422, (o, key) => Request(o, key, query: $"{name}={outOfRange}"), ErrorKey: name);
                }
            }
        }

        if (operation.Body is not { } body)
        {
            yield break;
        }

        foreach (var contentType in new[]
                 {
                     "text/plain", "application/json; charset=foo", "application/json;;", "application/json; x=", "application/xml",
                     "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
                     "application/", "garbage", "*/*", "application/jsonx", "text/json; q=", "",
                 })
        {
            yield return new Case($"Content-Type '{contentType}'", 415, (o, key) => Request(o, key, body.Valid().ToJsonString(), contentType));
        }

        yield return new Case("no Content-Type", 415, (o, key) =>
        {
            var request = Request(o, key);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Valid().ToJsonString()));
            return request;
        });

        foreach (var size in new[] { MaxBodyBytes + 1, 31 * 1024 * 1024 })
        {
            yield return new Case($"{size}-byte body", 413, (o, key) =>
            {
                var valid = body.Valid();
                valid["padding"] = new string('x', size);
                return Request(o, key, valid.ToJsonString());
            });
        }

        foreach (var malformed in new[]
                 {
                     "{", "{bad", "[", "nul", "{\"a\":}", "\"unterminated", "{}}", "{,}", "{\"a\":1,}", "/*x*/{}", "{'a':1}",
                     "{\"a\":NaN}", "{\"a\":01}", "{\"a\" 1}", "\u0001", new string('[', 100) + new string(']', 100), "{} {}", "tru",
                     "{\"a\":\"\\x\"}", "{\"a\":\"\u0000\"}",
                 })
        {
            yield return new Case($"malformed {Shorten(malformed)[..Math.Min(12, malformed.Length)]}", 400, (o, key) => Request(o, key, malformed));
        }

        foreach (var rootValue in new[] { "[]", "1", "\"x\"", "true" })
        {
            yield return new Case($"body {rootValue}", 422, (o, key) => Request(o, key, rootValue));
        }

        foreach (var field in body.Fields)
        {
            foreach (var wrong in WrongValues(field))
            {
                yield return new Case($"{field.Path} = {wrong?.ToJsonString() ?? "null"}", 422, (o, key) =>
                {
                    var valid = body.Valid();
                    Set(valid, field.Path, wrong?.DeepClone());
                    return Request(o, key, valid.ToJsonString());
                }, ErrorKey: field.Path);
            }

            yield return new Case($"duplicate {field.Path}", 422, (o, key) =>
            {
                var valid = body.Valid();
                Set(valid, field.Path, SampleValue(field));
                var text = valid.ToJsonString();
                var segments = field.Path.Split('.');
                var member = $"\"{segments[^1]}\":";
                var parentAt = segments.Length > 1 ? text.IndexOf($"\"{segments[^2]}\":{{", StringComparison.Ordinal) : 0;
                var at = text.IndexOf(member, parentAt, StringComparison.Ordinal);
                var duplicated = text.Insert(at, $"{member}{SampleValue(field)!.ToJsonString()},");
                return Request(o, key, duplicated);
            }, ErrorKey: field.Path);
        }

        var objectPaths = body.Fields.Select(f => f.Path).Where(p => p.Contains('.')).Select(p => p[..p.LastIndexOf('.')]).Distinct()
            .Prepend("");
        foreach (var parent in objectPaths)
        {
            foreach (var unknown in new[] { "foo", "EndUser", "__proto__", "ID" })
            {
                var path = parent.Length == 0 ? unknown : $"{parent}.{unknown}";
                yield return new Case($"unknown field {path}", 422, (o, key) =>
                {
                    var valid = body.Valid();
                    if (parent.Length > 0 && Get(valid, parent) is null)
                    {
                        var sample = body.Fields.Where(f => f.Path.StartsWith(parent + ".", StringComparison.Ordinal) && !f.Nullable);
                        Set(valid, parent, new JsonObject(sample.Select(f =>
                            KeyValuePair.Create(f.Path[(parent.Length + 1)..], SampleValue(f)))));
                    }

                    Set(valid, path, 1);
                    return Request(o, key, valid.ToJsonString());
                }, ErrorKey: path);
            }
        }
    }

    private static IEnumerable<JsonNode?> WrongValues(Field field)
    {
        IEnumerable<JsonNode?> values = field.Kind switch
        {
            "string" => [1, 1.5, true, false, new JsonArray(), new JsonObject(), new JsonArray("x")],
            "integer" => ["1", "abc", 1.5, true, new JsonArray(), new JsonObject(), JsonNode.Parse("1e400"), 99999999999, JsonNode.Parse("-0.5")],
            "object" => ["x", 1, true, new JsonArray()],
            "map" => ["x", 1, new JsonArray(), new JsonObject { ["k"] = 1 }, new JsonObject { ["k"] = new JsonObject() }, new JsonObject { ["k"] = true }],
            _ => [],
        };
        return field.Nullable ? values : values.Append(null);
    }

    private static JsonNode? SampleValue(Field field) => field.Kind switch
    {
        "integer" => 10,
        "object" => new JsonObject(),
        "map" => new JsonObject(),
        _ => "x",
    };

    private static HttpRequestMessage Request(
        Operation operation, string? key, string? body = null, string contentType = "application/json", string? query = null,
        string? pathValue = null)
    {
        var path = operation.Path;
        foreach (var name in operation.PathParameters)
        {
            path = path.Replace("{" + name + "}", pathValue ?? Guid.NewGuid().ToString());
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query is null ? path : $"{path}?{query}");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return request;
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    /// <summary>The kind of a schema ("string", "integer", "object", "map") and whether null is allowed.</summary>
    private static (string Kind, bool Nullable, JsonElement Schema) TypeOf(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var nonNull = oneOf.EnumerateArray().First(s => !(s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
            var inner = TypeOf(document, nonNull);
            return (inner.Kind, true, inner.Schema);
        }

        var resolved = Resolve(document, schema);
        var types = !resolved.TryGetProperty("type", out var type) ? ["object"]
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray()
            : [type.GetString()!];
        var nullable = types.Contains("null");
        var main = types.FirstOrDefault(t => t != "null") ?? "object";
        if (main == "object" && resolved.TryGetProperty("additionalProperties", out _))
        {
            main = "map";
        }

        return (main, nullable, resolved);
    }

    private static void CollectFields(JsonElement document, JsonElement schema, string prefix, List<Field> fields)
    {
        if (!schema.TryGetProperty("properties", out var properties))
        {
            return;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            var (kind, nullable, resolved) = TypeOf(document, property.Value);
            fields.Add(new Field(path, kind, nullable));
            if (kind == "object")
            {
                CollectFields(document, resolved, path, fields);
            }
        }
    }

    private static JsonObject MinimalInstance(JsonElement document, JsonElement schema)
    {
        var instance = new JsonObject();
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet() : [];
        foreach (var property in schema.GetProperty("properties").EnumerateObject().Where(p => required.Contains(p.Name)))
        {
            var (kind, _, resolved) = TypeOf(document, property.Value);
            instance[property.Name] = kind switch
            {
                "object" => MinimalInstance(document, resolved),
                "integer" => 10,
                "map" => new JsonObject(),
                _ => "x",
            };
        }

        return instance;
    }

    private static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var next) ? next : null;
        }

        return node;
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child)
            {
                child = [];
                node[segment] = child;
            }

            node = child;
        }

        node[segments[^1]] = value;
    }
}

internal static class OutputExtensions
{
    public static void WriteLineAsyncSafe(this ITestOutputHelper output, string message)
    {
        output.WriteLine(message);
        Console.WriteLine(message);
    }
}
