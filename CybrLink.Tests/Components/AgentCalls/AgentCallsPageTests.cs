using Bunit;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Catalog;
using CybrLink.Tests.AgentCalls;
using CybrLink.Web.Console.AgentCalls;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CybrLink.Tests.Components.AgentCalls;

/// <summary>The agent-call log over a real SQLite database: filters from the address, and the live tail.</summary>
public sealed class AgentCallsPageTests : ConsoleComponentTest
{
    private static readonly Guid Agent = Guid.Parse("0195a0c4-0000-7000-8000-0000000000a1");
    private readonly AgentCallFeed _feed = new(NullLogger<AgentCallFeed>.Instance);

    public AgentCallsPageTests()
    {
        UseDatabase();
        SignInAsViewer();
        Services.AddSingleton<AgentCallQuery>();
        Services.AddSingleton(_feed);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await OpenDatabaseAsync();
        db.Integrations.Add(new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" });
        db.Agents.Add(new Core.Agents.Agent { Id = Agent, Name = "mail-assistant", CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow() });
        db.AgentCalls.AddRange(
            Call("req-allowed-1", "allowed", minutesAgo: 3),
            Call("req-denied-1", "denied", minutesAgo: 2),
            Call("req-allowed-2", "allowed", minutesAgo: 1));
        await db.SaveChangesAsync();
    }

    private AgentCall Call(string requestId, string decision, int minutesAgo)
    {
        var at = Clock.GetUtcNow().AddMinutes(-minutesAgo);
        var call = AgentCallRows.New(Guid.CreateVersion7(at), at, Agent, decision: decision);
        call.RequestId = requestId;
        return call;
    }

    private IRenderedComponent<AgentCallsPage> RenderAt(string uri)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        return Render<AgentCallsPage>();
    }

    private static List<string> RequestIds(IRenderedComponent<AgentCallsPage> page) =>
        [.. page.FindAll("tbody tr").Select(r => r.TextContent).Select(t => t[(t.IndexOf("req-", StringComparison.Ordinal))..].Trim())];

    [Fact]
    public void Lists_calls_newest_first_with_the_agent_the_integration_and_the_decision()
    {
        var page = RenderAt("/agent-calls");

        page.WaitForAssertion(() => Assert.Equal(["req-allowed-2", "req-denied-1", "req-allowed-1"], RequestIds(page)));
        var newest = page.FindAll("tbody tr")[0];
        Assert.Contains("mail-assistant", newest.TextContent);
        Assert.Contains("Sandbox Mail", newest.TextContent);
        Assert.Equal($"/agents/{Agent}", newest.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("3 calls match.", page.Find("[data-testid='call-count']").TextContent);
    }

    [Fact]
    public void Filters_come_from_the_address_and_reach_the_download_links()
    {
        var page = RenderAt($"/agent-calls?decision=denied&agent={Agent}");

        page.WaitForAssertion(() => Assert.Equal(["req-denied-1"], RequestIds(page)));
        var csv = page.FindAll("a").Single(a => a.TextContent.Contains("Download CSV")).GetAttribute("href");
        Assert.Equal($"/console/export/agent-calls.csv?agent={Agent}&decision=denied", csv);
    }

    [Fact]
    public void A_filter_that_cannot_be_read_is_said_not_thrown()
    {
        var page = RenderAt("/agent-calls?from=yesterday");

        page.WaitForAssertion(() => Assert.Contains("could not be read", page.Find("[role=alert]").TextContent));
        Assert.Empty(page.FindAll("tbody tr.agent-call-row"));
    }

    [Fact]
    public async Task With_the_live_tail_on_a_recorded_call_appears_at_the_top_without_a_reload()
    {
        var page = RenderAt("/agent-calls?decision=allowed");
        page.WaitForAssertion(() => Assert.Equal(["req-allowed-2", "req-allowed-1"], RequestIds(page)));
        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));

        await using (var db = await OpenDatabaseAsync())
        {
            db.AgentCalls.AddRange(Call("req-live", "allowed", minutesAgo: 0), Call("req-live-denied", "denied", minutesAgo: 0));
            await db.SaveChangesAsync();
        }

        _feed.Publish(2);
        Clock.Advance(TimeSpan.FromSeconds(1));

        // The new allowed call on top; the denied one stays out (the filter holds while tailing).
        page.WaitForAssertion(() => Assert.Equal(["req-live", "req-allowed-2", "req-allowed-1"], RequestIds(page)), TimeSpan.FromSeconds(5));
    }
}
