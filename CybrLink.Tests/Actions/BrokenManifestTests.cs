using System.Text.Json.Nodes;
using CybrLink.Core.Actions;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Actions;

/// <summary>A broken manifest stops start-up with one sentence that names the file and the JSON path of the problem.</summary>
public sealed class BrokenManifestTests
{
    private const string Valid = """
        {
          "provider": "acme",
          "nango_base_url": "https://api.acme.example",
          "actions": [
            {
              "key": "list_things",
              "title": "List things",
              "description": "Lists the things of the end user; use it to find a thing id. Returns an array of things.",
              "kind": "read",
              "method": "GET",
              "path": "/things",
              "input_schema": { "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false,
                                "properties": { "limit": { "type": "integer", "description": "How many." } } },
              "query": ["limit"],
              "example": { "limit": 5 }
            },
            {
              "key": "update_thing",
              "title": "Update a thing",
              "description": "Renames one thing of the end user; use it when asked to rename. Returns the thing.",
              "kind": "write",
              "method": "PATCH",
              "path": "/things/{thing_id}",
              "input_schema": { "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false,
                                "required": ["thing_id", "name"],
                                "properties": { "thing_id": { "type": "string", "description": "The thing." },
                                                "name": { "type": "string", "description": "The new name." } } },
              "body": { "thing": { "name": "{{name}}" } },
              "example": { "thing_id": "t1", "name": "New" }
            }
          ]
        }
        """;

    private static string Load(Action<JsonNode> breakIt, string fileName = "acme.json")
    {
        var manifest = JsonNode.Parse(Valid)!;
        breakIt(manifest);
        return Assert.Throws<ActionManifestException>(() => new ActionCatalog([new ActionManifestSource(fileName, manifest.ToJsonString())])).Message;
    }

    private static JsonObject Action(JsonNode manifest, int index) => manifest["actions"]![index]!.AsObject();

    [Fact]
    public void The_valid_manifest_loads()
    {
        var catalog = new ActionCatalog([new ActionManifestSource("acme.json", Valid)]);

        var request = catalog.Find("acme", "update_thing")!.BuildRequest(catalog.Find("acme", "update_thing")!.Example);
        Assert.Equal(("PATCH", "/things/t1", """{"thing":{"name":"New"}}"""), (request.Method, request.Path, request.JsonBody));
    }

    [Fact]
    public void Bad_json_names_the_file_and_where_it_broke()
    {
        var message = Assert.Throws<ActionManifestException>(() =>
            new ActionCatalog([new ActionManifestSource("acme.json", Valid.Replace("\"kind\": \"write\",", "\"kind\": \"write\""))])).Message;

        Assert.Equal("Action manifest acme.json is not valid JSON at line 22, byte 7, after /actions/1/kind.", message);
    }

    [Fact]
    public void A_missing_field_names_the_action() =>
        Assert.Equal(
            "Action manifest acme.json is invalid at /actions/1: Required properties [\"path\"] are not present.",
            Load(m => Action(m, 1).Remove("path")));

    [Fact]
    public void An_unknown_placement_is_named()
    {
        var message = Load(m => Action(m, 0)["header_inputs"] = new JsonArray("limit"));

        Assert.Equal("Action manifest acme.json is invalid at /actions/0/header_inputs: this field is not part of the format.", message);
    }

    [Fact]
    public void A_wrong_kind_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/1/kind:", Load(m => Action(m, 1)["kind"] = "delete"));

    [Fact]
    public void A_path_parameter_missing_from_the_schema_is_named() =>
        Assert.Equal(
            "Action manifest acme.json is invalid at /actions/1/path: the path parameter {owner} must be a required string or integer property of input_schema.",
            Load(m => Action(m, 1)["path"] = "/owners/{owner}/things/{thing_id}"));

    [Fact]
    public void An_optional_path_parameter_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/1/path: the path parameter {thing_id}",
            Load(m => Action(m, 1)["input_schema"]!["required"] = new JsonArray("name")));

    [Fact]
    public void An_input_schema_that_is_not_json_schema_is_named() =>
        Assert.StartsWith(
            "Action manifest acme.json is invalid at /actions/0/input_schema/properties/limit/type: input_schema is not a valid JSON Schema 2020-12:",
            Load(m => Action(m, 0)["input_schema"]!["properties"]!["limit"]!["type"] = 5));

    [Fact]
    public void An_input_schema_of_another_dialect_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/input_schema/$schema:",
            Load(m => Action(m, 0)["input_schema"]!["$schema"] = "http://json-schema.org/draft-07/schema#"));

    [Fact]
    public void An_input_schema_open_to_unknown_inputs_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/input_schema: input_schema must have",
            Load(m => Action(m, 0)["input_schema"]!["additionalProperties"] = true));

    [Fact]
    public void A_placed_input_the_schema_lacks_is_named() =>
        Assert.Equal("Action manifest acme.json is invalid at /actions/0/query/1: \"offset\" is not a property of input_schema.",
            Load(m => Action(m, 0)["query"] = new JsonArray("limit", "offset")));

    [Fact]
    public void A_body_placeholder_the_schema_lacks_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/1/body/thing: \"title\" is not a property of input_schema",
            Load(m => Action(m, 1)["body"] = JsonNode.Parse("""{"thing": {"name": "{{name}}", "title": "{{title}}"}}""")));

    [Fact]
    public void A_declared_input_that_is_never_sent_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/input_schema/properties/limit: this input is never sent",
            Load(m => Action(m, 0).Remove("query")));

    [Fact]
    public void A_duplicate_key_is_named() =>
        Assert.Equal("Action manifest acme.json is invalid at /actions/1/key: the key \"list_things\" is already used by /actions/0.",
            Load(m => Action(m, 1)["key"] = "list_things"));

    [Fact]
    public void A_header_that_would_steer_nango_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/headers/Base-Url-Override:",
            Load(m => Action(m, 0)["headers"] = new JsonObject { ["Base-Url-Override"] = "https://evil.example" }));

    [Fact]
    public void A_path_that_leaves_its_segments_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/path:", Load(m => Action(m, 0)["path"] = "/things/../admin"));

    [Fact]
    public void An_example_that_does_not_fit_is_named() =>
        Assert.StartsWith("Action manifest acme.json is invalid at /actions/0/example/limit: the example does not fit input_schema:",
            Load(m => Action(m, 0)["example"] = new JsonObject { ["limit"] = "five" }));

    [Fact]
    public void A_provider_that_does_not_match_the_file_name_is_named() =>
        Assert.StartsWith("Action manifest other.json is invalid at /provider:", Load(_ => { }, "other.json"));

    [Fact]
    public void Start_up_reports_a_broken_manifest_as_one_sentence()
    {
        var broken = JsonNode.Parse(Valid)!;
        Action(broken, 1).Remove("path");
        using var app = new CybrLinkAppFactory(configureServices: services =>
        {
            services.AddSingleton(_ => new ActionCatalog([new ActionManifestSource("acme.json", broken.ToJsonString())]));
        });

        var problems = StartupErrors.ValidateSettings(app.Services);

        Assert.Equal(["Action manifest acme.json is invalid at /actions/1: Required properties [\"path\"] are not present."], problems);
    }
}
