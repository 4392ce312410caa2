using Bunit;
using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Tests.Components.Connections;
using CybrLink.Web.Console.ConnectSessions;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CybrLink.Tests.Components.ConnectSessions;

public sealed class ConnectSessionsPageTests : DetailPagesTest
{
    private IRenderedComponent<MudDialogProvider>? _dialogs;

    private IRenderedComponent<ConnectSessionsPage> RenderPage(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/connect-sessions" + query);
        if (_dialogs is null)
        {
            Render<MudPopoverProvider>();
            _dialogs = Render<MudDialogProvider>();
        }

        return Render<ConnectSessionsPage>();
    }

    [Fact]
    public async Task Lists_sessions_newest_first_with_status_and_the_failed_consent_in_words()
    {
        SignInAsViewer();
        var connection = await AddConnectionAsync();
        await AddSessionAsync(madeConnection: connection, createdAt: Now.AddHours(-3));
        await AddSessionAsync(errorCode: "access_denied", status: ConnectSessionStatus.Opened, createdAt: Now.AddMinutes(-5));

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=session-status]").Count));
        Assert.Equal(["opened", "completed"], page.FindAll("[data-testid=session-status]").Select(c => c.TextContent.Trim()));
        Assert.Equal("Consent denied: the person declined at the provider", page.FindAll("[data-testid=session-error]")[0].TextContent.Trim());
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == $"/connections/{connection}");
        Assert.Contains("Sandbox Mail", page.Markup);
        Assert.Empty(page.FindAll("[data-testid=cancel-session]")); // a Viewer cancels nothing
    }

    [Fact]
    public async Task Filters_from_the_url_narrow_the_list()
    {
        SignInAsViewer();
        await AddSessionAsync(status: ConnectSessionStatus.Completed, createdAt: Now.AddHours(-3));
        await AddSessionAsync(errorCode: "timeout", status: ConnectSessionStatus.Opened, createdAt: Now.AddMinutes(-5));
        await AddSessionAsync(status: ConnectSessionStatus.Pending, integration: "sandbox-crm", createdAt: Now.AddMinutes(-4));
        // Open, but past its expiry: expired for the operator even before a sweep marks it.
        await AddSessionAsync(status: ConnectSessionStatus.Pending, createdAt: Now.AddHours(-2));

        var withError = RenderPage("?error=true");
        withError.WaitForAssertion(() => Assert.Equal(["opened"], Statuses(withError)));

        var expired = RenderPage("?status=expired");
        expired.WaitForAssertion(() => Assert.Equal(["expired"], Statuses(expired)));

        var crm = RenderPage("?integration=sandbox-crm");
        crm.WaitForAssertion(() => Assert.Equal(["pending"], Statuses(crm)));
    }

    [Fact]
    public async Task An_admin_cancels_an_open_session_after_confirming()
    {
        SignInAsAdmin();
        var id = await AddSessionAsync(status: ConnectSessionStatus.Opened, createdAt: Now.AddMinutes(-5));
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("[data-testid=cancel-session]"));

        page.Find("[data-testid=cancel-session]").Click();
        var dialogs = _dialogs!;
        dialogs.WaitForAssertion(() => Assert.Contains("Cancel this connect session?", dialogs.Markup));
        var yes = dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel session");
        await yes.ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["cancelled"], Statuses(page)));
        Assert.Empty(page.FindAll("[data-testid=cancel-session]"));
        await using var db = await OpenDatabaseAsync();
        Assert.Equal(ConnectSessionStatus.Cancelled, await db.ConnectSessions.Where(s => s.Id == id).Select(s => s.Status).SingleAsync());
        var audit = Assert.Single(await AuditAsync(AuditActions.SessionCancelled));
        Assert.Equal(("operator", "admin@example.com"), (audit.ActorType, audit.ActorId));
    }

    private static List<string> Statuses(IRenderedComponent<ConnectSessionsPage> page) =>
        [.. page.FindAll("[data-testid=session-status]").Select(c => c.TextContent.Trim())];
}
