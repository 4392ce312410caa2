using System.Net;
using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using CybrLink.Tests.Operators;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Audit;

/// <summary><c>GET /console/export/audit.csv|jsonl</c> over HTTP, as a signed-in operator's browser downloads them.</summary>
public sealed class AuditExportTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly CybrLinkAppFactory _app = new(configureServices: TestClientAddress.Register);

    public async Task InitializeAsync()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
            Assert.True((await operators.CreateAsync("viewer@example.com", Password, OperatorRoles.Viewer)).Succeeded);
        }

        var audit = _app.Services.GetRequiredService<AuditLog>();
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        // An end user id is chosen by whoever calls the API: it may be a spreadsheet formula.
        audit.Add(db, AuditActions.EndUserOffboarded, AuditActor.ServerKey("key-1"), AuditTarget.EndUser("=cmd|' /C calc'!A0"), "two connections");
        audit.Add(db, AuditActions.AgentCreated, AuditActor.Cli, AuditTarget.Agent(Guid.Empty), "support-bot, \"quoted\"");
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<OperatorBrowser> SignedInAsync()
    {
        var browser = new OperatorBrowser(_app);
        using var response = await browser.SignInAsync("viewer@example.com", Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    [Fact]
    public async Task The_csv_has_a_snake_case_header_escapes_formulas_and_is_a_download()
    {
        using var browser = await SignedInAsync();

        using var response = await browser.GetAsync("/console/export/audit.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("audit.csv", response.Content.Headers.ContentDisposition.FileNameStar);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,id,at,actor_type,actor_id,action,target_type,target_id,detail,previous_hash,hash", lines[0]);
        // Every event, in chain order (creating and signing in the operator are audited too).
        Assert.Equal(Enumerable.Range(1, lines.Length - 1).Select(i => i.ToString()), lines.Skip(1).Select(l => l.Split(',')[0]));
        // Escaped with a leading quote (a spreadsheet shows it as text), and quoted.
        var offboarded = Assert.Single(lines, l => l.Contains(",end_user.offboarded,"));
        Assert.Contains(",end_user,\"'=cmd|' /C calc'!A0\",", offboarded);
        Assert.DoesNotContain(",=cmd", offboarded);
        Assert.Contains(lines, l => l.Contains("\"support-bot, \"\"quoted\"\"\""));
    }

    [Fact]
    public async Task Json_lines_are_one_snake_case_object_per_event_and_keep_the_filter()
    {
        using var browser = await SignedInAsync();

        using var response = await browser.GetAsync("/console/export/audit.jsonl?action=agent.created");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var only = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.True(only.GetProperty("sequence").GetInt64() > 1);
        Assert.Equal("agent.created", only.GetProperty("action").GetString());
        Assert.Equal("system", only.GetProperty("actor_type").GetString());
        Assert.Equal(64, only.GetProperty("previous_hash").GetString()!.Length);
    }

    [Fact]
    public async Task Without_an_operator_cookie_there_is_no_export()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/console/export/audit.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("=cmd", await response.Content.ReadAsStringAsync());
    }
}
