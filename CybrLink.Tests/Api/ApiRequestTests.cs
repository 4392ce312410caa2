using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Data;
using CybrLink.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Api;

/// <summary>The API as its document describes it: filters under their documented names, one validation dialect, safe links.</summary>
public sealed class ApiRequestTests : IAsyncLifetime
{
    private RunningSandbox _sandbox = null!;

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    private EnvironmentAppFactory NewApp(string environment) => new(environment, new Dictionary<string, string?>
    {
        ["Nango:BaseUrl"] = _sandbox.BaseUrl,
        ["Nango:SecretKey"] = _sandbox.Options.SecretKey,
        ["Nango:WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey,
    });

    [Fact]
    public async Task Every_query_parameter_the_document_names_filters_under_that_name()
    {
        await using var app = NewApp("Production");
        using var http = app.CreateClientWithKey(await app.CreateServerKeyAsync());
        await SeedConnectionsAsync(app, ("alice", "github"), ("alice", "slack"), ("bob", "github"), ("bob", "slack"), ("carol", "github"));
        // What a filter on each documented name must keep, given the rows above.
        var probes = new Dictionary<string, (string Value, Func<JsonElement, bool> Keeps, int Expected)>
        {
            ["end_user_id"] = ("alice", c => c.GetProperty("end_user_id").GetString() == "alice", 2),
            ["integration"] = ("slack", c => c.GetProperty("integration").GetString() == "slack", 2),
            ["limit"] = ("3", _ => true, 3),
        };

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var checkedNames = new List<string>();
        // The agent-call list pages as {data, next_cursor} over audit rows: AgentCallsApiTests probes its names. The agent
        // API takes an agent credential, not this server key: AgentApiTests probes its listings' names.
        foreach (var path in document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name != "/api/v1/agent-calls" && !p.Name.StartsWith("/api/v1/agent/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!operation.Value.TryGetProperty("parameters", out var parameters))
                {
                    continue;
                }

                foreach (var name in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!))
                {
                    Assert.True(probes.TryGetValue(name, out var probe), $"{path.Name} documents ?{name}: add a probe for it here");
                    var rows = await http.GetFromJsonAsync<JsonElement[]>($"{path.Name}?{name}={probe.Value}");
                    Assert.Equal(probe.Expected, rows!.Length);
                    Assert.All(rows, r => Assert.True(probe.Keeps(r), $"?{name}={probe.Value} let through {r}"));
                    checkedNames.Add(name);
                }
            }
        }

        Assert.Equal(["end_user_id", "integration", "limit"], checkedNames.Order());
        Assert.Equal(5, (await http.GetFromJsonAsync<JsonElement[]>("/api/v1/connections"))!.Length);
    }

    [Fact]
    public async Task The_old_camel_case_filter_name_is_refused_instead_of_ignored()
    {
        await using var app = NewApp("Development");
        using var http = app.CreateClientWithKey(await app.CreateServerKeyAsync());

        using var response = await http.GetAsync("/api/v1/connections?endUserId=alice");

        await AssertValidationAsync(response, "endUserId", "Unknown query parameter.");
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Validation_speaks_one_dialect_422_with_snake_case_paths_and_plain_words(string environment)
    {
        await using var app = NewApp(environment);
        using var http = app.CreateClientWithKey(await app.CreateServerKeyAsync());

        using var missing = await http.PostAsync("/api/v1/connect-sessions", Json("""{"end_user":{"email":"a@example.com"},"integration":"github"}"""));
        var body = await AssertValidationAsync(missing, "end_user.id", "This field is required.");
        Assert.DoesNotContain("EndUser", body);
        Assert.DoesNotContain("Implicit body", body);

        using var tooLong = await http.PostAsync("/api/v1/connect-sessions", Json($$"""{"end_user":{"id":"{{new string('a', 300)}}"},"integration":"github"}"""));
        await AssertValidationAsync(tooLong, "end_user.id", null);

        using var empty = await http.PostAsync("/api/v1/connect-sessions", Json(""));
        body = await AssertValidationAsync(empty, "body", "A JSON object is required.");
        Assert.DoesNotContain("Implicit body", body);

        using var unknown = await http.PostAsync("/api/v1/connect-sessions", Json("""{"end_user":{"id":"u","nick":"x"},"integration":"github","foo":1}"""));
        body = await AssertValidationAsync(unknown, "foo", "Unknown field.");
        Assert.Contains("\"end_user.nick\":[\"Unknown field.\"]", body);
    }

    [Fact]
    public async Task Production_builds_connect_urls_from_the_public_url_never_from_a_forged_host_header()
    {
        await using var app = NewApp("Production");
        using var http = app.CreateClientWithKey(await app.CreateServerKeyAsync());
        var integration = (await http.GetFromJsonAsync<JsonElement[]>("/api/v1/integrations"))![0].GetProperty("key").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect-sessions")
        {
            Content = Json($$"""{"end_user":{"id":"u1"},"integration":"{{integration}}"}"""),
        };
        request.Headers.Host = "evil.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith(EnvironmentAppFactory.PublicUrl + "/connect?session=", created.GetProperty("connect_url").GetString());
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u202E")]
    [InlineData("\u200B")]
    public async Task Control_characters_in_ids_emails_and_names_never_cause_a_5xx(string control)
    {
        await using var app = NewApp("Production");
        using var http = app.CreateClientWithKey(await app.CreateServerKeyAsync());
        var integration = (await http.GetFromJsonAsync<JsonElement[]>("/api/v1/integrations"))![0].GetProperty("key").GetString();
        var text = JsonSerializer.Serialize("a" + control + "b");

        foreach (var body in new[]
                 {
                     $$"""{"end_user":{"id":{{text}}},"integration":"{{integration}}"}""",
                     $$"""{"end_user":{"id":"u","email":{{text}}},"integration":"{{integration}}"}""",
                     $$"""{"end_user":{"id":"u","display_name":{{text}}},"integration":"{{integration}}"}""",
                     $$"""{"end_user":{"id":"u"},"integration":{{text}}}""",
                     $$"""{"end_user":{"id":"u"},"organization":{"id":{{text}}},"integration":"{{integration}}"}""",
                 })
        {
            using var response = await http.PostAsync("/api/v1/connect-sessions", Json(body));
            Assert.True((int)response.StatusCode < 500, $"{body} answered {(int)response.StatusCode}");
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> AssertValidationAsync(HttpResponseMessage response, string field, string? message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("validation_failed", json.RootElement.GetProperty("code").GetString());
        Assert.True(json.RootElement.TryGetProperty("type", out _), body);
        var messages = json.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()).ToList();
        if (message is not null)
        {
            Assert.Contains(message, messages);
        }

        return body;
    }

    private static async Task SeedConnectionsAsync(EnvironmentAppFactory app, params (string EndUser, string Integration)[] rows)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var at = DateTimeOffset.UtcNow;
        foreach (var (endUser, integration) in rows)
        {
            at = at.AddSeconds(1);
            db.Connections.Add(new Connection
            {
                Id = Guid.NewGuid(),
                NangoConnectionId = Guid.NewGuid().ToString(),
                IntegrationKey = integration,
                EndUserId = endUser,
                Status = ConnectionStatus.Active,
                CreatedAt = at,
                UpdatedAt = at,
            });
        }

        await db.SaveChangesAsync();
    }
}
