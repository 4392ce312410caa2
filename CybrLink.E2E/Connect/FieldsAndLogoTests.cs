using CybrLink.E2E.Infrastructure;
using CybrLink.Sandbox.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>What Nango's provider data asks of the form (prefix, suffix, a fixed list) and a logo that does not load.</summary>
[Collection(ConnectCollection.Name)]
public sealed class FieldsAndLogoTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync()
    {
        await fx.Sandbox.Control.ResetAsync();
        await _context.DisposeAsync();
    }

    [Fact]
    public async Task Picking_a_region_from_the_list_completes_and_reaches_nango_as_connection_config()
    {
        var session = await fx.CreateSessionAsync("sandbox-helpdesk");
        var page = await _context.NewPageAsync();
        var connect = new ConnectUiPage(page);
        await connect.OpenAsync(session.ConnectUrl);

        await Expect(page.GetByText("https://", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText(".helpdesk.example", new() { Exact = true })).ToBeVisibleAsync();
        var region = page.GetByLabel("Region");
        await Expect(region).ToHaveJSPropertyAsync("tagName", "SELECT");
        await region.SelectOptionAsync("eu");
        await page.GetByLabel("Host").FillAsync("help.acme.example");
        await page.GetByLabel("Username").FillAsync("ada");
        var password = fx.NewSecret();
        fx.TypedSecrets.Add(password);
        await page.GetByLabel("Password").FillAsync(password);
        await Expect(connect.ConnectButton).ToBeEnabledAsync();
        await connect.ConnectButton.ClickAsync();

        await connect.ExpectConnectedAsync();
        var nangoId = (await fx.NangoConnectionsForAsync(session.Id))[0].GetProperty("connection_id").GetString()!;
        var stored = fx.Sandbox.Services.GetRequiredService<SandboxStore>().FindConnection("sandbox-helpdesk", nangoId)!;
        Assert.Equal("eu", stored.ConnectionConfig["region"]!.GetValue<string>());
        Assert.Equal("help.acme.example", stored.ConnectionConfig["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_logo_that_fails_to_load_shows_the_initials_instead()
    {
        await fx.Sandbox.Control.BreakLogosAsync();
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var page = await _context.NewPageAsync();
        var logoFailed = page.WaitForResponseAsync(r => r.Url.EndsWith("/sandbox-mail.svg", StringComparison.Ordinal) && r.Status == 404);
        await new ConnectUiPage(page).OpenAsync(session.ConnectUrl);
        await logoFailed;

        await Expect(page.Locator("#connect-logo-initials")).ToBeVisibleAsync();
        await Expect(page.Locator("#connect-logo-initials")).ToHaveTextAsync("SM");
        await Expect(page.Locator("#connect-logo-image")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_logo_that_loads_is_shown_and_the_initials_stay_hidden()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var page = await _context.NewPageAsync();
        await new ConnectUiPage(page).OpenAsync(session.ConnectUrl);

        await Expect(page.Locator("#connect-logo-image")).ToBeVisibleAsync();
        await Expect(page.Locator("#connect-logo-image")).ToHaveJSPropertyAsync("complete", true);
        await Expect(page.Locator("#connect-logo-initials")).ToBeHiddenAsync();
    }
}
