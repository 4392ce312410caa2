using Bunit;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Web.Console.Agents;

namespace CybrLink.Tests.Components.Agents;

public sealed class AgentsPageTests : AgentsConsoleTest
{
    [Fact]
    public async Task Lists_each_agent_with_its_status_usable_keys_last_use_and_policy_version()
    {
        var mail = await CreateAgentAsync("mail-assistant", "Reads and sorts mail");
        var used = await Get<AgentKeys>().CreateAsync(mail.Id, new CreateAgentKeyCommand(), AuditActor.System);
        var revoked = await Get<AgentKeys>().CreateAsync(mail.Id, new CreateAgentKeyCommand(), AuditActor.System);
        await Get<AgentKeys>().RevokeAsync(mail.Id, revoked.Key.Id, AuditActor.System);
        await using (var db = await OpenDatabaseAsync())
        {
            var key = db.AgentKeys.Single(k => k.Id == used.Key.Id);
            key.LastUsedAt = new DateTimeOffset(2026, 3, 14, 8, 15, 0, TimeSpan.Zero);
            await db.SaveChangesAsync();
        }

        await SetPolicyAsync(mail.Id, """[{ "id": "r1", "integration": "*", "end_users": "*", "actions": ["*"] }]""");
        await SetPolicyAsync(mail.Id, "[]");
        var old = await CreateAgentAsync("old-bot");
        await Get<AgentService>().DisableAsync(old.Id, AuditActor.System);
        SignInAsAdmin();

        var page = Render<AgentsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var mailRow = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("mail-assistant"));
        Assert.Contains("Reads and sorts mail", mailRow.TextContent);
        Assert.Equal("Enabled", Cell(mailRow, "Status"));
        Assert.Equal("1", Cell(mailRow, "Active keys"));
        Assert.Equal("2026-03-14 08:15 UTC", Cell(mailRow, "Last used"));
        Assert.Equal("version 2", Cell(mailRow, "Policy"));
        Assert.Equal($"/agents/{mail.Id}", mailRow.QuerySelector("a")!.GetAttribute("href"));
        var oldRow = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("old-bot"));
        Assert.Equal(("Disabled", "never", "none (denies all)"), (Cell(oldRow, "Status"), Cell(oldRow, "Last used"), Cell(oldRow, "Policy")));
        // An Admin may disable the active agent only.
        Assert.NotNull(mailRow.QuerySelector("button[aria-label='Disable mail-assistant']"));
        Assert.Null(oldRow.QuerySelector("button"));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Create agent");
    }

    [Fact]
    public async Task A_viewer_sees_every_agent_and_no_control_that_changes_one()
    {
        await CreateAgentAsync("mail-assistant");
        SignInAsViewer();

        var page = Render<AgentsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Empty(page.FindAll("button"));
    }

    [Fact]
    public async Task An_admin_disables_an_agent_after_confirming_and_its_keys_stop_working()
    {
        var agent = await CreateAgentAsync("mail-assistant");
        await Get<AgentKeys>().CreateAsync(agent.Id, new CreateAgentKeyCommand(), AuditActor.System);
        SignInAsAdmin();
        var cut = RenderWithProviders<AgentsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr")));

        cut.Find("button[aria-label='Disable mail-assistant']").Click();
        cut.WaitForAssertion(() => Assert.Contains("stop working at once", cut.Markup));
        DialogButton(cut, "Disable").Click();

        cut.WaitForAssertion(() => Assert.Equal("Disabled", Cell(cut.Find("tbody tr"), "Status")));
        Assert.Equal("0", Cell(cut.Find("tbody tr"), "Active keys"));
        var view = await Get<AgentService>().GetAsync(agent.Id);
        Assert.Equal(AgentStatus.Disabled, view!.Status);
        Assert.All(view.Keys, k => Assert.NotNull(k.RevokedAt));
        await using var db = await OpenDatabaseAsync();
        Assert.Contains(db.AuditEvents, e => e.Action == AuditActions.AgentDisabled && e.ActorId == "admin@example.com");
    }

    private static string Cell(AngleSharp.Dom.IElement row, string label) =>
        row.QuerySelector($"td[data-label='{label}']")!.TextContent.Trim();
}
