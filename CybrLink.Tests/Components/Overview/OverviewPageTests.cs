using Bunit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Reporting;
using CybrLink.Core.SystemState;
using CybrLink.Tests.Reporting;
using CybrLink.Web.Components.Layout;
using CybrLink.Web.Console;
using CybrLink.Web.Console.Overview;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CybrLink.Tests.Components.Overview;

/// <summary>The overview page over a seeded SQLite database (<see cref="OverviewSeed"/>): numbers first, with the charts.</summary>
public sealed class OverviewPageTests : ConsoleComponentTest
{
    public OverviewPageTests()
    {
        UseDatabase();
        SignInAsViewer();
        Clock.SetUtcNow(OverviewSeed.Now);
        Services.AddSingleton<SystemStateStore>();
        Services.AddSingleton<OverviewQuery>();
        Services.AddSingleton(Options.Create(new OverviewOptions { CacheSeconds = 30 }));
        Services.AddSingleton<OverviewCache>();
        Services.AddSingleton<NangoStatusMonitor>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await OpenDatabaseAsync();
        db.Integrations.Add(new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" });
        await OverviewSeed.AddAsync(db);
        await Services.GetRequiredService<SystemStateStore>().SetAsync(SystemStateKeys.LastReconciliation, "6 listed");
    }

    private static string Text(IRenderedComponent<HomePage> page, string testId) => page.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void Shows_the_numbers_with_their_charts_and_nango_times()
    {
        var page = Render<HomePage>();

        page.WaitForAssertion(() => Assert.Equal("3", Text(page, "connections-active")));
        Assert.Equal("1", Text(page, "connections-error"));
        Assert.Equal("2", Text(page, "connections-revoked"));
        // The week's totals: today 2 completed, 1 failed, 2 expired; two days ago 1 completed.
        Assert.Equal("3", Text(page, "sessions-completed"));
        Assert.Equal("1", Text(page, "sessions-failed"));
        Assert.Equal("2", Text(page, "sessions-expired"));
        Assert.Equal("5", Text(page, "calls-allowed"));
        Assert.Equal("1", Text(page, "calls-denied"));
        // Integrations by name, never by bare key; CRM is not in the catalog, so its key stands in.
        Assert.Contains("Sandbox Mail", Text(page, "connections-by-integration"));
        var topAgents = page.Find("[data-testid='top-agents']");
        Assert.Equal("/agents/" + OverviewSeed.AgentA, topAgents.QuerySelector("a")!.GetAttribute("href"));
        Assert.StartsWith("mail-assistant", topAgents.TextContent.Trim());
        Assert.Equal("2026-03-14 09:30 UTC", Text(page, "last-reconciliation"));
        Assert.Equal("never", Text(page, "last-webhook"));
        // Each chart has a text alternative that carries its numbers.
        var charts = page.FindAll("div.overview-chart[role=img]");
        Assert.Equal(3, charts.Count);
        Assert.All(charts, c => Assert.NotNull(c.QuerySelector("svg")));
        Assert.Contains(charts, c => c.GetAttribute("aria-label")!.Contains("Mar 14 3/1/1"));
        Assert.Contains(charts, c => c.GetAttribute("aria-label") == "Connections by status: Active 3, Error 1, Revoked 2");
    }

    [Fact]
    public async Task Numbers_are_reused_for_a_while_and_refresh_aggregates_again()
    {
        var page = Render<HomePage>();
        page.WaitForAssertion(() => Assert.Equal("5", Text(page, "calls-allowed")));
        await using (var db = await OpenDatabaseAsync())
        {
            db.AgentCalls.Add(new Core.AgentCalls.AgentCall
            {
                At = OverviewSeed.Now, AgentId = OverviewSeed.AgentB, CredentialKind = "key", CredentialPrefix = "p", Decision = "allowed",
                RequestId = "req-new", Id = Guid.CreateVersion7(),
            });
            await db.SaveChangesAsync();
        }

        // Another tab within the cache time sees the cached numbers.
        var second = Render<HomePage>();
        second.WaitForAssertion(() => Assert.Equal("5", Text(second, "calls-allowed")));

        page.FindAll("button").Single(b => b.TextContent.Contains("Refresh")).Click();
        page.WaitForAssertion(() => Assert.Equal("6", Text(page, "calls-allowed")));
    }
}
