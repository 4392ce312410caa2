using Bunit;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Tests.Components.Connections;
using CybrLink.Web.Console.EndUsers;
using MudBlazor;

namespace CybrLink.Tests.Components.EndUsers;

public sealed class EndUserDetailPageTests : DetailPagesTest
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<EndUserDetailPage> RenderPage(string id)
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<EndUserDetailPage>(p => p.Add(x => x.Id, id));
    }

    [Fact]
    public async Task Shows_the_profile_connections_sessions_and_calls()
    {
        SignInAsViewer();
        var mail = await AddConnectionAsync();
        await AddConnectionAsync("sandbox-crm", ConnectionStatus.Revoked);
        await AddSessionAsync(madeConnection: mail, errorCode: null);
        var agent = await AddAgentAsync("Mail bot", """{"id":"mail","integration":"sandbox-mail","end_users":"*","actions":["*"]}""");
        await AddCallAsync(agent, mail, "send_mail");

        var page = RenderPage(EndUserId);

        page.WaitForAssertion(() => Assert.Equal("Ada Lovelace", page.Find("h1").TextContent.Trim()));
        Assert.Contains("Analytical Engines", page.Find("[data-testid=profile]").TextContent);
        var connections = page.FindAll("[data-testid=end-user-connections] tbody tr");
        Assert.Equal(2, connections.Count);
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == $"/connections/{mail}");
        Assert.Single(page.FindAll("[data-testid=end-user-sessions] tbody tr"));
        Assert.Contains("send_mail", page.Find("[data-testid=recent-calls]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=offboard]"));
    }

    [Fact]
    public void An_end_user_never_seen_says_so()
    {
        SignInAsAdmin();

        var page = RenderPage("nobody");

        page.WaitForAssertion(() => Assert.Equal("No such end user", page.Find("h1").TextContent.Trim()));
    }

    [Fact]
    public async Task Offboarding_needs_the_typed_id_then_revokes_every_connection_and_lists_each_outcome()
    {
        SignInAsAdmin();
        var mail = await AddConnectionAsync();
        var crm = await AddConnectionAsync("sandbox-crm");
        var page = RenderPage(EndUserId);
        page.WaitForAssertion(() => page.Find("[data-testid=offboard]"));

        page.Find("[data-testid=offboard]").Click();
        _dialogs.WaitForAssertion(() => _dialogs.Find("[data-testid=confirm-offboard]"));
        Assert.True(_dialogs.Find("[data-testid=confirm-offboard]").HasAttribute("disabled"));
        _dialogs.Find("#offboard-confirm").Input("u-ad");
        Assert.True(_dialogs.Find("[data-testid=confirm-offboard]").HasAttribute("disabled"));
        _dialogs.Find("#offboard-confirm").Input(EndUserId);
        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=confirm-offboard]").HasAttribute("disabled")));

        var offboarding = _dialogs.Find("[data-testid=confirm-offboard]").ClickAsync(new());
        await Nango.SucceedNextAsync();
        await Nango.SucceedNextAsync();
        await offboarding;

        _dialogs.WaitForAssertion(() => Assert.Equal(2, _dialogs.FindAll("[data-testid=offboard-connection]").Count));
        var outcomes = _dialogs.FindAll("[data-testid=offboard-connection]").Select(li => li.TextContent).ToList();
        Assert.All(outcomes, o => Assert.Contains("Blocked in CybrLink: done; Deleted in Nango: done", o));
        Assert.Contains(outcomes, o => o.Contains("Sandbox CRM"));
        Assert.Equal(ConnectionStatus.Revoked, await StatusOfAsync(mail));
        Assert.Equal(ConnectionStatus.Revoked, await StatusOfAsync(crm));
        var audit = Assert.Single(await AuditAsync(AuditActions.EndUserOffboarded));
        Assert.Equal(("operator", "admin@example.com"), (audit.ActorType, audit.ActorId));
    }
}
