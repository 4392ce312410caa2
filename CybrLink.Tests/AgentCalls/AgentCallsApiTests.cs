using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.AgentCalls;

/// <summary><c>GET /api/v1/agent-calls</c>: what a security reviewer reads, filtered and paged newest first.</summary>
public class AgentCallsApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid AgentA = Guid.Parse("0195a0c4-0000-7000-8000-00000000000a");
    private static readonly Guid AgentB = Guid.Parse("0195a0c4-0000-7000-8000-00000000000b");
    private static readonly Guid ConnectionX = Guid.Parse("0195a0c4-0000-7000-8000-0000000000cc");

    private readonly CybrLinkAppFactory _app;
    private HttpClient _api = null!;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public AgentCallsApiTests() => _app = new CybrLinkAppFactory(provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        _api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync());
        // Six calls a minute apart, ids in time order (version 7 at each call's time), oldest first.
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        db.AgentCalls.AddRange(
            Call(0, AgentA, "u-1", ConnectionX, "allowed"),
            Call(1, AgentA, "u-2", null, "denied"),
            Call(2, AgentB, "u-1", ConnectionX, "refused"),
            Call(3, AgentA, "u-1", ConnectionX, "allowed"),
            Call(4, AgentB, "u-2", null, "allowed"),
            Call(5, AgentA, "u-1", null, "denied"));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
    }

    private static AgentCall Call(int minute, Guid agent, string endUser, Guid? connection, string decision)
    {
        var at = T0.AddMinutes(minute);
        var call = AgentCallRows.New(Guid.CreateVersion7(at), at, agent, endUser, connection, decision, path: $"/v1/items/{minute}");
        call.RequestId = $"req-{minute}";
        return call;
    }

    private async Task<(List<string> RequestIds, string? NextCursor)> ListAsync(string query)
    {
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/v1/agent-calls" + query);
        var next = page.GetProperty("next_cursor");
        return ([.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()!)],
            next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    [Fact]
    public async Task Rows_come_newest_first_with_every_audited_field_in_snake_case()
    {
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/v1/agent-calls?limit=1");

        var row = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal("req-5", row.GetProperty("request_id").GetString());
        Assert.Equal(T0.AddMinutes(5), row.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(AgentA, row.GetProperty("agent_id").GetGuid());
        Assert.Equal("key", row.GetProperty("credential").GetProperty("kind").GetString());
        Assert.Equal("cbl_agent_AbCdEfGh", row.GetProperty("credential").GetProperty("prefix").GetString());
        Assert.Equal("u-1", row.GetProperty("end_user_id").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("connection_id").ValueKind);
        Assert.Equal("sandbox-mail", row.GetProperty("integration").GetString());
        Assert.Equal("GET", row.GetProperty("method").GetString());
        Assert.Equal("/v1/items/5", row.GetProperty("path").GetString());
        Assert.Equal("denied", row.GetProperty("decision").GetString());
        Assert.Equal(200, row.GetProperty("status").GetInt32());
        foreach (var field in new[] { "id", "action", "rule_id", "reason", "upstream_status", "latency_ms", "bytes_in", "bytes_out" })
        {
            Assert.True(row.TryGetProperty(field, out _), $"row lacks {field}");
        }
    }

    [Theory]
    [InlineData("?agent_id=0195a0c4-0000-7000-8000-00000000000b", "req-4,req-2")]
    [InlineData("?end_user_id=u-2", "req-4,req-1")]
    [InlineData("?connection_id=0195a0c4-0000-7000-8000-0000000000cc", "req-3,req-2,req-0")]
    [InlineData("?decision=denied", "req-5,req-1")]
    [InlineData("?since=2026-11-30T09:04:00Z", "req-5,req-4")]
    [InlineData("?agent_id=0195a0c4-0000-7000-8000-00000000000a&end_user_id=u-1&decision=allowed", "req-3,req-0")]
    public async Task Filters_narrow_the_list(string query, string expected)
    {
        var (ids, next) = await ListAsync(query);

        Assert.Equal(expected, string.Join(',', ids));
        Assert.Null(next);
    }

    [Fact]
    public async Task The_document_names_exactly_the_parameters_the_filters_above_use()
    {
        var document = await _api.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operation = document.GetProperty("paths").GetProperty("/api/v1/agent-calls").GetProperty("get");

        var names = operation.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).Order();
        Assert.Equal(["agent_id", "connection_id", "cursor", "decision", "end_user_id", "limit", "since"], names);
        Assert.Equal(["Agent calls"], operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task The_cursor_pages_through_every_row_once_newest_first()
    {
        var seen = new List<string>();
        var (ids, next) = await ListAsync("?limit=4");
        seen.AddRange(ids);
        Assert.NotNull(next);
        (ids, next) = await ListAsync($"?limit=4&cursor={next}");
        seen.AddRange(ids);

        Assert.Null(next);
        Assert.Equal(["req-5", "req-4", "req-3", "req-2", "req-1", "req-0"], seen);

        // The cursor combines with filters.
        var (first, cursor) = await ListAsync("?end_user_id=u-1&limit=2");
        var (second, end) = await ListAsync($"?end_user_id=u-1&limit=2&cursor={cursor}");
        Assert.Equal(["req-5", "req-3", "req-2", "req-0"], first.Concat(second));
        Assert.Null(end);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?decision=maybe", "decision")]
    [InlineData("?since=yesterday", "since")]
    [InlineData("?agent_id=agent-1", "agent_id")]
    [InlineData("?connection_id=42", "connection_id")]
    [InlineData("?cursor=abc", "cursor")]
    [InlineData("?agent=0195a0c4-0000-7000-8000-00000000000a", "agent")]
    [InlineData("?decision=allowed&decision=denied", "decision")]
    public async Task Bad_or_unknown_parameters_get_422_naming_the_parameter(string query, string parameter)
    {
        using var response = await _api.GetAsync("/api/v1/agent-calls" + query);

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Only_a_server_key_may_read_the_calls()
    {
        using var anonymous = _app.CreateClient();
        using var response = await anonymous.GetAsync("/api/v1/agent-calls");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
