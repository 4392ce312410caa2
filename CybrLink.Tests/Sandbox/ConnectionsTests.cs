using System.Net;

namespace CybrLink.Tests.Sandbox;

public sealed class ConnectionsTests : SandboxHarness
{
    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body)> ImportAsync(string id, string key = "sandbox-crm",
        object? tags = null, object? endUser = null, object? credentials = null) =>
        CallAsync(HttpMethod.Post, "/connections", new Dictionary<string, object?>
        {
            ["provider_config_key"] = key,
            ["connection_id"] = id,
            ["credentials"] = credentials ?? new { type = "API_KEY", apiKey = "k" },
            ["tags"] = tags,
            ["end_user"] = endUser,
        }.Where(p => p.Value is not null).ToDictionary());

    [Fact]
    public async Task Import_answers_201_and_the_list_carries_no_credentials()
    {
        var (status, body) = await ImportAsync("c1", tags: new { Tenant = "t1" }, endUser: new { id = "u1", email = "u1@example.com" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("k", body!["credentials"]!["apiKey"]!.GetValue<string>());
        Assert.Equal("t1", body["tags"]!["tenant"]!.GetValue<string>());

        var item = (await ListConnectionsAsync()).Single()!;
        Assert.Equal("c1", item["connection_id"]!.GetValue<string>());
        Assert.Equal("sandbox-crm", item["provider_config_key"]!.GetValue<string>());
        Assert.Equal("u1", item["end_user"]!["id"]!.GetValue<string>());
        Assert.Empty(item["errors"]!.AsArray());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$", item["created"]!.GetValue<string>());
        Assert.Equal("{}", item["metadata"]!.ToJsonString());
        Assert.Null(item["credentials"]);
        Assert.DoesNotContain("\"k\"", item.ToJsonString());
    }

    [Fact]
    public async Task A_connection_from_a_connect_session_starts_with_empty_metadata()
    {
        var id = await ConnectApiKeyAsync(await CreateNangoSessionAsync());
        var item = (await ListConnectionsAsync($"?connectionId={id}")).Single()!;
        Assert.Equal("{}", item["metadata"]!.ToJsonString());
        Assert.EndsWith("+00:00", item["created"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_errors_match_nango()
    {
        var (wrongType, body) = await ImportAsync("c1", key: "sandbox-mail");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        Assert.Equal("Provider OAUTH2 does not support API_KEY auth", body!["error"]!["message"]!.GetValue<string>());

        var (unknown, notFound) = await ImportAsync("c1", key: "nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Integration does not exist", notFound!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_filters_combine_and_page_newest_first()
    {
        await ImportAsync("a", tags: new { tenant = "t1", role = "x" }, endUser: new { id = "u1", email = "ann@example.com", display_name = "Ann" });
        await ImportAsync("b", tags: new { tenant = "t1" }, endUser: new { id = "u2" });
        await ImportAsync("c", key: "sandbox-helpdesk", tags: new { tenant = "t2" },
            credentials: new { type = "BASIC", username = "u", password = "p" });

        static IEnumerable<string> Ids(System.Text.Json.Nodes.JsonArray list) => list.Select(c => c!["connection_id"]!.GetValue<string>());

        Assert.Equal(["c", "b", "a"], Ids(await ListConnectionsAsync()));
        Assert.Equal(["b", "a"], Ids(await ListConnectionsAsync("?tags[TENANT]=t1")));
        Assert.Empty(await ListConnectionsAsync("?tags[tenant]=T1"));
        Assert.Equal(["a"], Ids(await ListConnectionsAsync("?tags[tenant]=t1&tags[role]=x")));
        Assert.Equal(["a"], Ids(await ListConnectionsAsync("?endUserId=u1")));
        Assert.Equal(["a"], Ids(await ListConnectionsAsync("?search=ann")));
        Assert.Equal(["b"], Ids(await ListConnectionsAsync("?connectionId=b")));
        Assert.Equal(["c", "b", "a"], Ids(await ListConnectionsAsync("?integrationId=sandbox-crm,sandbox-helpdesk")));
        Assert.Equal(["c"], Ids(await ListConnectionsAsync("?integrationId=sandbox-helpdesk")));
        Assert.Equal(["b"], Ids(await ListConnectionsAsync("?limit=1&page=1")));

        var (badLimit, body) = await CallAsync(HttpMethod.Get, "/connections?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
        Assert.Equal("invalid_query_params", ErrorCode(body));
        var (badParam, _) = await CallAsync(HttpMethod.Get, "/connections?tag=x");
        Assert.Equal(HttpStatusCode.BadRequest, badParam);
    }

    [Fact]
    public async Task Delete_is_soft_and_a_repeat_is_unknown_connection()
    {
        await ImportAsync("c1");
        var (status, body) = await CallAsync(HttpMethod.Delete, "/connections/c1?provider_config_key=sandbox-crm");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["success"]!.GetValue<bool>());
        Assert.Empty(await ListConnectionsAsync());

        var (again, repeat) = await CallAsync(HttpMethod.Delete, "/connections/c1?provider_config_key=sandbox-crm");
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("""{"error":{"code":"unknown_connection"}}""", repeat!.ToJsonString());

        var (missingKey, missing) = await CallAsync(HttpMethod.Delete, "/connections/c1");
        Assert.Equal(HttpStatusCode.BadRequest, missingKey);
        Assert.Equal("invalid_query_params", ErrorCode(missing));
    }
}
