using System.Text.RegularExpressions;
using CybrLink.Core.Operators;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>The audit log in Chromium: events listed, the chain badge verifies, filters land in the URL, axe in both modes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string ViewerEmail = "auditor@example.com";
    private const string Password = "a long operator passphrase";

    private readonly CybrLinkAppFactory _app = new(useRealServer: true);

    public async Task InitializeAsync()
    {
        _ = _app.BaseUrl;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
            Assert.True((await operators.CreateAsync(ViewerEmail, Password, OperatorRoles.Viewer)).Succeeded);
        }

        // agent.created and agent_key.created, through the real services.
        await _app.CreateAgentKeyAsync("support-bot");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IPage> OpenAuditAsync(IBrowserContext context, string query = "")
    {
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, _app.BaseUrl);
        await console.SignInAsync(ViewerEmail, Password);
        await console.ExpectConsoleAsync();
        await page.GotoAsync($"{_app.BaseUrl}/audit{query}");
        await Expect(console.Heading("Audit log")).ToBeVisibleAsync();
        // Interactive, its rows loaded and the chain verified: the page as a person reads it.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" })).ToBeEnabledAsync();
        await Expect(page.GetByTestId("audit-chain-badge")).ToContainTextAsync(new Regex(@"Chain intact, \d+ events"), new() { Timeout = 20_000 });
        return page;
    }

    private static ILocator Rows(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "Audit events, newest first" }).Locator("tbody tr");

    [Fact]
    public async Task The_audit_page_lists_events_shows_the_intact_chain_and_filters_through_the_url()
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Light });
        var page = await OpenAuditAsync(context);

        await Expect(Rows(page).Filter(new() { HasText = "agent_key.created" })).ToHaveCountAsync(1);
        await Expect(Rows(page).Filter(new() { HasText = "agent.created" })).ToHaveCountAsync(1);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the audit page (light)");

        await page.GetByLabel("Action").FillAsync("agent.created");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/audit\?action=agent\.created$"));
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Rows(page).First).ToContainTextAsync("agent.created");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" })).ToHaveAttributeAsync("href", "/console/export/audit.csv?action=agent.created");
    }

    [Fact]
    public async Task The_audit_page_has_no_serious_accessibility_violation_in_dark_mode()
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Dark });
        var page = await OpenAuditAsync(context);
        await Expect(Rows(page).Filter(new() { HasText = "agent.created" })).ToHaveCountAsync(1);

        await Accessibility.AssertNoSeriousViolationsAsync(page, "the audit page (dark)");
    }
}
