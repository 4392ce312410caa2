using Bunit;
using CybrLink.Core.Audit;
using CybrLink.Web.Console.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Components.Audit;

/// <summary>The audit viewer over a real SQLite database: filters from the URL, links to targets, the chain badge.</summary>
public sealed class AuditPageTests : ConsoleComponentTest
{
    private static readonly Guid ConnectionId = Guid.Parse("0193a000-0000-7000-8000-000000000001");

    public AuditPageTests()
    {
        UseDatabase();
        SignInAsViewer();
        Services.AddScoped<AuditQuery>();
        Services.AddSingleton<AuditChainVerifier>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var audit = Services.GetRequiredService<AuditLog>();
        await using var db = await OpenDatabaseAsync();
        audit.Add(db, AuditActions.ConnectionCreated, AuditActor.Nango, AuditTarget.Connection(ConnectionId), "github");
        Clock.Advance(TimeSpan.FromDays(1));
        audit.Add(db, AuditActions.ConnectionRevoked, AuditActor.Operator("admin@example.com"), AuditTarget.Connection(ConnectionId), "by the console");
        Clock.Advance(TimeSpan.FromDays(1));
        audit.Add(db, AuditActions.AgentCreated, AuditActor.Cli, AuditTarget.Agent(Guid.Empty), "support-bot");
        await db.SaveChangesAsync();
    }

    private IRenderedComponent<AuditPage> RenderAt(string uri)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        return Render<AuditPage>();
    }

    private static List<string> Sequences(IRenderedComponent<AuditPage> page) =>
        page.FindAll("[data-testid=audit-sequence]").Select(e => e.TextContent).ToList();

    [Fact]
    public void Lists_every_event_newest_first_with_links_to_what_it_was_done_to()
    {
        var page = RenderAt("/audit");

        page.WaitForAssertion(() => Assert.Equal(["#3", "#2", "#1"], Sequences(page)));
        var revoked = page.FindAll("tbody tr").Single(r => r.TextContent.Contains(AuditActions.ConnectionRevoked));
        Assert.Contains("operator · admin@example.com", revoked.TextContent);
        Assert.Contains("2026-03-15 09:30 UTC", revoked.TextContent);
        Assert.Equal($"/connections/{ConnectionId}", revoked.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void Filters_come_from_the_url_and_the_exports_keep_them()
    {
        var page = RenderAt($"/audit?target_type=connection&from=2026-03-15");

        page.WaitForAssertion(() => Assert.Equal(["#2"], Sequences(page)));
        Assert.Equal("connection", page.Find("#audit-target-type").GetAttribute("value"));
        Assert.Equal("/console/export/audit.csv?target_type=connection&from=2026-03-15",
            page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public void An_actor_filter_matches_an_actor_type_as_well_as_an_id()
    {
        var page = RenderAt("/audit?actor=nango");

        page.WaitForAssertion(() => Assert.Equal(["#1"], Sequences(page)));
    }

    [Fact]
    public void Applying_the_form_puts_the_filters_in_the_url()
    {
        var page = RenderAt("/audit");
        page.WaitForAssertion(() => Assert.Equal(3, Sequences(page).Count));

        page.Find("#audit-action").Change(AuditActions.AgentCreated);
        page.Find("form").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/audit?action=agent.created", navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["#3"], Sequences(page)));
    }

    [Fact]
    public void The_badge_says_the_chain_is_intact_with_its_count()
    {
        var badge = Render<AuditChainBadge>();

        badge.WaitForAssertion(() => Assert.Contains("Chain intact, 3 events", badge.Markup));
    }

    [Fact]
    public async Task The_badge_names_the_first_broken_row_and_why()
    {
        await using (var db = await OpenDatabaseAsync())
        {
            await db.Database.ExecuteSqlRawAsync("""UPDATE audit_events SET "Detail" = 'by nobody' WHERE "Sequence" = 2""");
        }

        var badge = Render<AuditChainBadge>();

        badge.WaitForAssertion(() => Assert.Contains("Chain broken at #2", badge.Markup));
        Assert.Contains("content changed", badge.Find("[data-testid=audit-chain-reason]").TextContent);
    }
}
