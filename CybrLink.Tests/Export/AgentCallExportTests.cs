using System.Net;
using System.Text.Json;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Tests.AgentCalls;
using CybrLink.Tests.Infrastructure;
using CybrLink.Tests.Operators;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Export;

/// <summary><c>/console/export/agent-calls.csv|.jsonl</c>: for signed-in operators, filtered like the page, safe to open in a spreadsheet.</summary>
public sealed class AgentCallExportTests : IAsyncLifetime
{
    private const string Password = "a long operator passphrase";
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Agent = Guid.Parse("0195a0c4-0000-7000-8000-0000000000a1");
    private readonly CybrLinkAppFactory _app = new(configureServices: TestClientAddress.Register);

    public async Task InitializeAsync()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
            Assert.True((await operators.CreateAsync("viewer@example.com", Password, OperatorRoles.Viewer)).Succeeded);
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var formula = AgentCallRows.New(Guid.CreateVersion7(T0), T0, Agent, decision: "denied", path: "=HYPERLINK(\"https://evil.example\",\"x\")");
        formula.RequestId = "req-formula";
        var allowed = AgentCallRows.New(Guid.CreateVersion7(T0.AddMinutes(1)), T0.AddMinutes(1), Agent, decision: "allowed");
        allowed.RequestId = "req-allowed";
        var yesterday = AgentCallRows.New(Guid.CreateVersion7(T0.AddDays(-1)), T0.AddDays(-1), Agent, decision: "denied");
        yesterday.RequestId = "req-yesterday";
        db.AgentCalls.AddRange(formula, allowed, yesterday);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<OperatorBrowser> SignedInViewerAsync()
    {
        var browser = new OperatorBrowser(_app);
        using var signIn = await browser.SignInAsync("viewer@example.com", Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_viewer_downloads_csv_with_formulas_escaped_and_the_filters_applied()
    {
        using var browser = await SignedInViewerAsync();

        using var response = await browser.GetAsync("/console/export/agent-calls.csv?decision=denied&from=2026-03-14");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,at,agent_id,agent_name,end_user_id,connection_id,integration,surface,action,tool,method,path,decision,", lines[0]);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains("req-formula", row);
        // A spreadsheet shows the path as text: the formula is escaped with a leading apostrophe (and quoted).
        Assert.Contains("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\"", row);
        Assert.DoesNotContain(",=HYPERLINK", row);
        Assert.Contains("2026-03-14T09:00:00.000Z", row);
    }

    [Fact]
    public async Task Json_lines_parse_one_snake_case_call_per_line_newest_first()
    {
        using var browser = await SignedInViewerAsync();

        using var response = await browser.GetAsync($"/console/export/agent-calls.jsonl?agent={Agent}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var calls = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["req-allowed", "req-formula", "req-yesterday"], calls.Select(c => c.GetProperty("request_id").GetString()));
        Assert.Equal("allowed", calls[0].GetProperty("decision").GetString());
        Assert.Equal(Agent, calls[0].GetProperty("agent_id").GetGuid());
        Assert.Equal(T0.AddMinutes(1), calls[0].GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_filter_that_cannot_be_read_is_a_validation_problem()
    {
        using var browser = await SignedInViewerAsync();

        using var response = await browser.GetAsync("/console/export/agent-calls.csv?decision=maybe");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("decision", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/console/export/agent-calls.csv")]
    [InlineData("/console/export/agent-calls.jsonl")]
    public async Task Anonymous_callers_are_sent_to_sign_in_and_server_keys_do_not_open_it(string path)
    {
        using var anonymous = new OperatorBrowser(_app);
        using var response = await anonymous.GetAsync(path);
        // A browser is sent to sign in; anything else gets a 401. Either way, no calls.
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/account/login")),
            $"anonymous got {response.StatusCode}");
        Assert.DoesNotContain("request_id", await response.Content.ReadAsStringAsync());

        using var withKey = _app.CreateClientWithKey(await _app.CreateServerKeyAsync());
        using var keyed = await withKey.GetAsync(path);
        Assert.NotEqual(HttpStatusCode.OK, keyed.StatusCode);
        Assert.DoesNotContain("request_id", await keyed.Content.ReadAsStringAsync());
    }
}
