using CybrLink.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>Reconnecting a connection in the browser: the settings it was made with come along, locked.</summary>
[Collection(ConnectCollection.Name)]
public sealed class ReconnectTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_reconnect_keeps_the_subdomain_without_typing_and_the_same_connection()
    {
        var first = await fx.CreateSessionAsync("sandbox-crm");
        var page = new ConnectUiPage(await _context.NewPageAsync());
        await page.OpenAsync(first.ConnectUrl);
        await page.Page.GetByLabel("Subdomain").FillAsync("acme");
        await page.Page.GetByLabel("API Key").FillAsync(NewKey());
        await page.ConnectButton.ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Sandbox CRM is connected. You can close this window.");
        var connectionId = (await fx.GetSessionAsync(first.Id)).GetProperty("connection_id").GetGuid();

        var reconnect = await fx.CreateReconnectSessionAsync(connectionId);
        var again = new ConnectUiPage(await _context.NewPageAsync());
        await again.OpenAsync(reconnect.ConnectUrl);

        // Nothing typed but the new key: the subdomain is the one the connection was made with, and cannot be changed.
        var subdomain = again.Page.GetByLabel("Subdomain");
        await Expect(subdomain).ToHaveValueAsync("acme");
        await Expect(subdomain).Not.ToBeEditableAsync();
        await again.Page.GetByLabel("API Key").FillAsync(NewKey());
        await again.ConnectButton.ClickAsync();
        await Expect(again.Status).ToHaveTextAsync("Sandbox CRM is connected. You can close this window.");

        var renewed = await fx.GetSessionAsync(reconnect.Id);
        Assert.Equal("completed", renewed.GetProperty("status").GetString());
        Assert.Equal(connectionId, renewed.GetProperty("connection_id").GetGuid());
    }

    private string NewKey()
    {
        var key = fx.NewSecret();
        fx.TypedSecrets.Add(key);
        return key;
    }
}
