using System.Text.RegularExpressions;
using System.Web;
using CybrLink.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>
/// The end user's half of CybrLink in Chromium: CybrLink on real Kestrel, the sandbox as Nango on its own origin.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class ConnectUiTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _context = await browser.NewContextAsync();
        await RouteReturnPageAsync(_context);
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Oauth_consent_completes_redirects_to_the_app_and_the_link_then_reads_already_used()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail", withReturnUrl: true);
        var connect = new ConnectUiPage(await _context.NewPageAsync());

        await connect.OpenAsync(session.ConnectUrl);
        Assert.Equal($"{fx.BaseUrl}/connect", connect.Page.Url);
        await Expect(connect.Heading).ToHaveTextAsync("Connect Sandbox Mail");
        await Expect(connect.Page.GetByText("Ada Lovelace")).ToBeVisibleAsync();

        var popup = await connect.ConnectInPopupAsync();
        await ConnectUiPage.DecideAsync(popup, "Approve");
        await connect.ExpectConnectedAsync();

        await connect.Page.WaitForURLAsync(new Regex("^" + Regex.Escape(ConnectFixture.ReturnOrigin)));
        var query = HttpUtility.ParseQueryString(new Uri(connect.Page.Url).Query);
        Assert.Equal("success", query["status"]);
        Assert.Equal(session.Id.ToString(), query["session_id"]);
        var recorded = await fx.GetSessionAsync(session.Id);
        Assert.Equal("completed", recorded.GetProperty("status").GetString());
        Assert.Equal(query["connection_id"], recorded.GetProperty("connection_id").GetString());

        var again = await connect.Page.GotoAsync(session.ConnectUrl);
        Assert.Equal(410, again!.Status);
        await Expect(connect.Heading).ToHaveTextAsync("This link was already used");
        await Expect(connect.Page.GetByRole(AriaRole.Link, new() { Name = "Back to the app" })).ToHaveAttributeAsync(
            "href", new Regex("status=error&error=session_already_used"));
    }

    [Fact]
    public async Task Denied_consent_shows_the_error_and_a_retry_that_then_succeeds()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);

        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Deny");
        await Expect(connect.Status).ToHaveTextAsync("Access was not granted. You can try again.");
        // The person may try again: the operator's server must not read this session as failed.
        Assert.Equal("opened", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());

        await Expect(connect.ConnectButton).ToHaveTextAsync("Try again");
        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await Expect(connect.Status).ToHaveTextAsync("Sandbox Mail is connected. You can close this window.");
        Assert.Equal("completed", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expired_session_shows_the_expired_page_with_410()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail", expiresInMinutes: 5);
        fx.Clock.Advance(TimeSpan.FromMinutes(6));
        try
        {
            var page = await _context.NewPageAsync();
            var response = await page.GotoAsync(session.ConnectUrl);

            Assert.Equal(410, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link has expired");
        }
        finally
        {
            fx.Clock.Reset();
        }
    }

    [Fact]
    public async Task A_blocked_popup_offers_a_new_tab_and_the_page_still_completes()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var page = await _context.NewPageAsync();
        // The popup blocker's answer: window.open returns null (first call only).
        await page.AddInitScriptAsync("""
            (() => {
              const open = window.open;
              let blocked = false;
              window.open = function (...args) {
                if (!blocked) { blocked = true; return null; }
                return open.apply(this, args);
              };
            })();
            """);
        var connect = new ConnectUiPage(page);
        await connect.OpenAsync(session.ConnectUrl);

        await Expect(connect.ConnectButton).ToBeEnabledAsync();
        await connect.ConnectButton.ClickAsync();
        await Expect(connect.Status).ToContainTextAsync("Your browser blocked the sign-in window.");
        var tab = await _context.RunAndWaitForPageAsync(() => connect.NewTabLink.ClickAsync());
        await ConnectUiPage.DecideAsync(tab, "Approve");

        await connect.ExpectConnectedAsync();
        Assert.Equal("completed", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_api_key_goes_to_nango_and_never_to_cybrlink()
    {
        var session = await fx.CreateSessionAsync("sandbox-crm");
        var apiKey = fx.NewSecret();
        fx.TypedSecrets.Add(apiKey);
        var toCybrLink = new List<string>();
        var toNango = new List<string>();
        _context.Request += (_, request) =>
        {
            var seen = request.Url + "\n" + request.PostData;
            if (request.Url.StartsWith(fx.BaseUrl + "/", StringComparison.Ordinal))
                lock (toCybrLink) toCybrLink.Add(seen);
            else if (request.Url.StartsWith(fx.Sandbox.BaseUrl + "/", StringComparison.Ordinal))
                lock (toNango) toNango.Add(seen);
        };
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);

        await connect.Page.GetByLabel("Subdomain").FillAsync("acme");
        await connect.Page.GetByLabel("API Key").FillAsync(apiKey);
        await Expect(connect.ConnectButton).ToBeEnabledAsync();
        await connect.ConnectButton.ClickAsync();
        await Expect(connect.Status).ToHaveTextAsync("Sandbox CRM is connected. You can close this window.");

        Assert.Equal("completed", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());
        var nangoConnection = Assert.Single((await fx.NangoConnectionsForAsync(session.Id)).EnumerateArray());
        var echo = await fx.EchoThroughNangoAsync("sandbox-crm", nangoConnection.GetProperty("connection_id").GetString()!);
        // The echo proves the typed key reached the provider without handing it back: a hash prefix of it.
        Assert.Equal(CybrLink.Tests.Sandbox.EchoProof.Of(apiKey), echo.GetProperty("headers").GetProperty("x-api-key").GetString());
        Assert.DoesNotContain(apiKey, echo.GetRawText(), StringComparison.Ordinal);

        lock (toNango) Assert.Contains(toNango, r => r.Contains(apiKey, StringComparison.Ordinal));
        lock (toCybrLink)
        {
            Assert.Contains(toCybrLink, r => r.Contains("/connect/complete", StringComparison.Ordinal));
            Assert.DoesNotContain(toCybrLink, r => r.Contains(apiKey, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(apiKey, fx.App.Logs.All, StringComparison.Ordinal);
        Assert.Empty(await connect.Page.Locator("input").EvaluateAllAsync<string[]>(
            "inputs => inputs.map(i => i.value).filter(v => v.includes('" + ConnectFixture.SecretMarker + "'))"));
    }

    [Fact]
    public async Task A_flow_completes_with_the_keyboard_only()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);
        await Expect(connect.ConnectButton).ToBeEnabledAsync();

        await TabToAsync(connect.Page, "document.activeElement?.id === 'connect-button'");
        var popup = await connect.Page.RunAndWaitForPopupAsync(() => connect.Page.Keyboard.PressAsync("Enter"));
        await Expect(popup.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeVisibleAsync();
        await TabToAsync(popup, "document.activeElement?.textContent?.trim() === 'Approve'");
        await popup.Keyboard.PressAsync("Enter");

        await Expect(connect.Status).ToHaveTextAsync("Sandbox Mail is connected. You can close this window.");
        await Expect(connect.Status).ToBeFocusedAsync();
    }

    /// <summary>Presses Tab until the condition holds, as a keyboard user would; fails past a page's worth of stops.</summary>
    private static async Task TabToAsync(IPage page, string condition)
    {
        for (var stops = 0; stops < 20; stops++)
        {
            if (await page.EvaluateAsync<bool>($"() => {condition}"))
                return;
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached: {condition}");
    }

    internal static Task RouteReturnPageAsync(IBrowserContext context) =>
        context.RouteAsync($"{ConnectFixture.ReturnOrigin}/**", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/html; charset=utf-8",
            Body = "<!doctype html><html lang=\"en\"><title>The app</title><main><h1>Back in the app</h1></main></html>",
        }));
}
