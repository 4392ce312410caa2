using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E;

[Collection(BrowserCollection.Name)]
public sealed partial class OperatorOnboardingTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Email = "admin@example.com";
    private const string Password = "a long owner passphrase";

    // Nango is a closed port here: the console must still work, and say so.
    private readonly CybrLinkAppFactory _app = new(useRealServer: true);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _ = _app.BaseUrl;
        _context = await browser.NewContextAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Setup_code_first_admin_sign_in_console_and_a_working_server_key()
    {
        var page = await _context.NewPageAsync();
        var csp = new CspWatch(page);
        var console = new ConsolePages(page, _app.BaseUrl);

        // A fresh install sends the visitor to setup; the code is in the start-up log.
        await page.GotoAsync(_app.BaseUrl + "/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        var code = SetupCodePattern().Match(_app.Logs.All).Value;
        Assert.NotEmpty(code);

        await console.CompleteSetupAsync(code, Email, Password);
        await console.ExpectConsoleAsync();
        await Expect(page.GetByTestId("nango-banner")).ToContainTextAsync("unreachable");

        // Setup is gone now.
        using var http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/setup")).StatusCode);

        await console.SignOutAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await console.SignInAsync(Email, "a wrong passphrase!");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Email or password is incorrect");
        await console.SignInAsync(Email, Password);
        await console.ExpectConsoleAsync();

        await console.OpenServerKeysAsync();
        var key = await console.CreateServerKeyAsync("e2e backend");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var me = await http.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("e2e backend", await me.Content.ReadAsStringAsync());

        await console.RevokeServerKeyAsync("e2e backend");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/me")).StatusCode);

        // Setup, sign-in and the console ran under the strict CSP without a single violation.
        csp.AssertNone();
    }

    [Fact]
    public async Task A_wrong_setup_code_is_refused_and_creates_nobody()
    {
        var page = await _context.NewPageAsync();
        var console = new ConsolePages(page, _app.BaseUrl);

        await console.CompleteSetupAsync("AAAA-BBBB-CCCC", Email, Password);

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("setup code is not valid");
        await page.GotoAsync(_app.BaseUrl + "/setup");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create the first admin" })).ToBeVisibleAsync();
    }

    [GeneratedRegex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")]
    private static partial Regex SetupCodePattern();
}
