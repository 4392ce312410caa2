using System.Net;
using Bunit;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Web.Console.Connections;
using CybrLink.Web.Console.Shared;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CybrLink.Tests.Components.Connections;

public sealed class ConnectionDetailPageTests : DetailPagesTest
{
    private IRenderedComponent<ConnectionDetailPage> RenderPage(Guid id)
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<ConnectionDetailPage>(p => p.Add(x => x.Id, id));
    }

    private IRenderedComponent<MudDialogProvider>? _dialogs;
    private IRenderedComponent<MudDialogProvider> Dialogs => _dialogs!;

    [Fact]
    public async Task Every_section_shows_what_the_database_holds()
    {
        SignInAsAdmin();
        var id = await AddConnectionAsync();
        await AddSessionAsync(madeConnection: id, consented: true);
        await AddSessionAsync(reconnects: id, errorCode: "access_denied", status: ConnectSessionStatus.Opened, createdAt: Now.AddMinutes(-3));
        var mailBot = await AddAgentAsync("Mail bot", """{"id":"mail","integration":"sandbox-mail","end_users":"*","actions":["*"]}""");
        await AddAgentAsync("Git bot", """{"id":"git","integration":"github","end_users":"*","actions":["*"]}""");
        await AddAgentAsync("Retired bot", """{"id":"all","integration":"*","end_users":"*","actions":["*"]}""", AgentStatus.Disabled);
        await AddCallAsync(mailBot, id, "send_mail");
        await AddCallAsync(mailBot, id, null, decision: "denied", status: 403);

        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Contains("Sandbox Mail for Ada Lovelace", page.Find("h1").TextContent));
        Assert.Equal("active", page.Find("[data-testid=connection-status]").TextContent.Trim());
        var endUser = page.Find("[data-testid=end-user]");
        Assert.Contains("ada@example.com", endUser.TextContent);
        Assert.Contains("Analytical Engines", endUser.TextContent);
        Assert.Equal($"/end-users/{EndUserId}", endUser.QuerySelector("a")!.GetAttribute("href"));
        var facts = page.Find("[data-testid=connection-facts]").TextContent;
        Assert.Contains("2026-03-12 09:30 UTC", facts); // created two days before the clock
        Assert.Contains("2026-03-14 04:30 UTC", facts); // last used
        Assert.Contains("2026-03-14 08:30 UTC", facts); // last checked

        var consent = page.Find("[data-testid=consent-record]").TextContent;
        Assert.Contains("Read your mail and send mail as you", consent);
        Assert.Contains("Your sign-in and credentials go straight to the secure token service", consent);
        Assert.Contains("2026-03-12 09:26 UTC", consent);

        var sessions = page.Find("[data-testid=connection-sessions]").TextContent;
        Assert.Contains("Reconnect", sessions);
        Assert.Contains("Consent denied", sessions);
        Assert.Contains("First connect", sessions);

        Assert.Equal(["Mail bot"], page.FindAll("[data-testid=covering-agents] li").Select(li => li.TextContent.Trim()));
        var calls = page.FindAll("[data-testid=recent-calls] tbody tr");
        Assert.Equal(2, calls.Count);
        Assert.Contains("GET /inbox", calls[0].TextContent);
        Assert.Contains("denied", calls[0].TextContent);
        Assert.Contains("send_mail", calls[1].TextContent);
        Assert.Contains(AuditActions.ConnectionCreated, page.Find("[data-testid=audit-timeline]").TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=revoke]"));
        Assert.NotEmpty(page.FindAll("[data-testid=create-reconnect-link]"));
    }

    [Fact]
    public async Task A_connection_made_before_consent_records_says_not_recorded()
    {
        SignInAsViewer();
        var id = await AddConnectionAsync();
        await AddSessionAsync(madeConnection: id, consented: false);

        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Contains("Not recorded", page.Find("[data-testid=consent-not-recorded]").TextContent));
    }

    [Fact]
    public void An_unknown_id_says_there_is_no_such_connection()
    {
        SignInAsAdmin();

        var page = RenderPage(Guid.NewGuid());

        page.WaitForAssertion(() => Assert.Equal("No such connection", page.Find("h1").TextContent.Trim()));
    }

    [Fact]
    public async Task A_viewer_sees_everything_but_no_revoke_or_reconnect_control()
    {
        SignInAsViewer();
        var id = await AddConnectionAsync();

        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Contains("Sandbox Mail for Ada Lovelace", page.Find("h1").TextContent));
        Assert.Empty(page.FindAll("[data-testid=revoke]"));
        Assert.Empty(page.FindAll("[data-testid=create-reconnect-link]"));
        Assert.DoesNotContain("Revoke", page.Markup);
    }

    [Fact]
    public async Task A_viewer_whose_role_changed_after_the_page_loaded_is_refused_audited_and_nothing_is_revoked()
    {
        SignInAsAdmin("was-admin@example.com");
        var id = await AddConnectionAsync();
        var page = RenderPage(id);
        page.WaitForAssertion(() => page.Find("[data-testid=revoke]"));
        // The stale tab still holds the button's handler; the demotion happened meanwhile.
        var staleClick = page.FindComponents<MudButton>().Single(b => b.Markup.Contains("data-testid=\"revoke\"")).Instance.OnClick;

        SignInAsViewer("was-admin@example.com");
        await page.InvokeAsync(() => staleClick.InvokeAsync());

        var denied = Assert.Single(await AuditAsync(AuditActions.OperatorDenied));
        Assert.Equal(("operator", "was-admin@example.com"), (denied.ActorType, denied.ActorId));
        Assert.Equal(("connection", id.ToString()), (denied.TargetType, denied.TargetId));
        Assert.Equal("attempted connection.revoke", denied.Detail);
        Assert.Equal(ConnectionStatus.Active, await StatusOfAsync(id));
        Assert.Empty(Dialogs.FindAll("[data-testid=confirm-revoke]"));
        Assert.Equal(0, Nango.Deletes);
    }

    [Fact]
    public async Task Revoking_shows_blocked_first_then_deleted_in_nango_as_each_completes()
    {
        SignInAsAdmin();
        var id = await AddConnectionAsync();
        var page = RenderPage(id);
        page.WaitForAssertion(() => page.Find("[data-testid=revoke]"));

        page.Find("[data-testid=revoke]").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find("[data-testid=confirm-revoke]"));
        Assert.Equal(ConnectionStatus.Active, await StatusOfAsync(id)); // nothing before the confirmation
        var confirming = Dialogs.Find("[data-testid=confirm-revoke]").ClickAsync(new());

        // Blocked is shown (and true) while Nango has not answered yet.
        Dialogs.WaitForAssertion(() => Assert.Equal(["Blocked in CybrLink: done"], StepTexts()));
        Assert.Contains("Deleting in Nango", Dialogs.Find("[data-testid=revoke-pending]").TextContent);
        Assert.Equal(ConnectionStatus.Revoked, await StatusOfAsync(id));

        await Nango.SucceedNextAsync();
        await confirming;
        Dialogs.WaitForAssertion(() => Assert.Equal(["Blocked in CybrLink: done", "Deleted in Nango: done"], StepTexts()));
        Assert.Empty(Dialogs.FindAll("[data-testid=retry-revoke]"));
    }

    [Fact]
    public async Task A_failed_nango_delete_offers_retry_and_the_retry_completes()
    {
        SignInAsAdmin();
        var id = await AddConnectionAsync();
        var page = RenderPage(id);
        page.WaitForAssertion(() => page.Find("[data-testid=revoke]"));
        page.Find("[data-testid=revoke]").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find("[data-testid=confirm-revoke]"));

        var confirming = Dialogs.Find("[data-testid=confirm-revoke]").ClickAsync(new());
        await Nango.FailNextAsync(HttpStatusCode.Forbidden, "forbidden");
        await confirming;

        Dialogs.WaitForAssertion(() => Assert.Equal(2, StepTexts().Count));
        Assert.Equal("Blocked in CybrLink: done", StepTexts()[0]);
        Assert.StartsWith("Failed: Nango answered 403 forbidden.", StepTexts()[1]);
        await using (var db = await OpenDatabaseAsync())
        {
            Assert.True(await db.Connections.Where(c => c.Id == id).Select(c => c.NangoDeletePending).SingleAsync());
        }

        var retrying = Dialogs.Find("[data-testid=retry-revoke]").ClickAsync(new());
        await Nango.SucceedNextAsync();
        await retrying;

        Dialogs.WaitForAssertion(() => Assert.Equal(["Blocked in CybrLink: already blocked", "Deleted in Nango: done"], StepTexts()));
        Assert.Empty(Dialogs.FindAll("[data-testid=retry-revoke]"));
        await using (var db = await OpenDatabaseAsync())
        {
            Assert.False(await db.Connections.Where(c => c.Id == id).Select(c => c.NangoDeletePending).SingleAsync());
        }
    }

    private List<string> StepTexts() =>
        [.. Dialogs.FindAll("[data-testid=revoke-steps] li[data-step]").Select(li => li.TextContent.Trim())];
}
