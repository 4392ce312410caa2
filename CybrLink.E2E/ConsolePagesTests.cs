using CybrLink.Core.Operators;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E;

/// <summary>
/// The console and its static pages in Chromium: the strict CSP holds without a single violation (the circuit still
/// connects over its WebSocket), the static pages wear the console's colours, headings take focus without a ring.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsolePagesTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminEmail = "admin@example.com";
    private const string ViewerEmail = "viewer@example.com";
    private const string Password = "a long operator passphrase";
    // The console's app bar colour (MainLayout's theme), which the static pages' bar repeats.
    private const string AppBarColour = "rgb(40, 53, 147)";

    private readonly CybrLinkAppFactory _app = new(useRealServer: true);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _ = _app.BaseUrl;
        await using var scope = _app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.CreateAsync(AdminEmail, Password, OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync(ViewerEmail, Password, OperatorRoles.Viewer)).Succeeded);
        _context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Light });
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Every_console_page_runs_under_the_csp_with_no_violation_and_focuses_its_heading_without_a_ring()
    {
        var page = await _context.NewPageAsync();
        var csp = new CspWatch(page);
        var console = new ConsolePages(page, _app.BaseUrl);

        await console.SignInAsync(AdminEmail, Password);
        // Interactive means the circuit's WebSocket connected under connect-src 'self'.
        await console.ExpectConsoleAsync();
        await console.ExpectHeadingFocusedWithoutRingAsync("Overview");

        foreach (var (link, heading) in new[] { ("Connections", "Connections"), ("Catalog", "Catalog"), ("Server keys", "Server keys") })
        {
            await console.NavigateAsync(link, heading);
            await console.ExpectHeadingFocusedWithoutRingAsync(heading);
        }

        // A full load of a console page (not a circuit navigation) carries the import map again, with a new nonce.
        await page.ReloadAsync();
        await Expect(console.Heading("Server keys")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToBeEnabledAsync();
        csp.AssertNone();
    }

    [Theory]
    [InlineData("/account/login", "Sign in")]
    [InlineData("/no-such-page", "Not found")]
    [InlineData("/account/access-denied", "Access denied")]
    public async Task Static_pages_wear_the_console_look_with_no_csp_violation(string path, string heading)
    {
        var page = await _context.NewPageAsync();
        var csp = new CspWatch(page);

        await page.GotoAsync(_app.BaseUrl + path);

        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToHaveCSSAsync("background-color", AppBarColour);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "CybrLink" })).ToBeVisibleAsync();
        csp.AssertNone();
    }

    [Fact]
    public async Task A_viewer_opens_the_server_keys_page_and_sees_the_keys_without_the_form()
    {
        var page = await _context.NewPageAsync();
        var csp = new CspWatch(page);
        var console = new ConsolePages(page, _app.BaseUrl);
        await _app.CreateServerKeyAsync("shared backend");
        await console.SignInAsync(ViewerEmail, Password);
        await console.ExpectConsoleAsync();

        await console.OpenServerKeysAsync();

        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "shared backend" })).ToContainTextAsync("Active");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke shared backend" })).ToHaveCountAsync(0);
        csp.AssertNone();
    }
}
