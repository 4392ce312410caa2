using System.Text.RegularExpressions;
using CybrLink.Core.Demo;
using CybrLink.Core.Operators;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>The connections and end-users grids over seed-demo data, in Chromium: filters in the address, axe clean.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConnectionsGridTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Email = "viewer@example.com";
    private const string Password = "a long operator passphrase";
    private readonly CybrLinkAppFactory _app = new(useRealServer: true);

    public async Task InitializeAsync()
    {
        _ = _app.BaseUrl;
        await using var scope = _app.Services.CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(Email, Password, OperatorRoles.Viewer)).Succeeded);
        await _app.Services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedRequest(300, 2000, 100, 50), _ => { });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IPage> SignedInAsync(ColorScheme scheme)
    {
        var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme });
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, _app.BaseUrl);
        await console.SignInAsync(Email, Password);
        await console.ExpectConsoleAsync();
        return page;
    }

    private static ILocator Rows(IPage page, string grid) => page.GetByTestId(grid).Locator("tbody tr");

    [Fact]
    public async Task Filtering_by_integration_and_search_puts_both_in_the_address_and_a_reload_keeps_them()
    {
        var page = await SignedInAsync(ColorScheme.Light);
        await page.GotoAsync(_app.BaseUrl + "/connections");
        await Expect(Rows(page, "connections-grid")).ToHaveCountAsync(50);

        await page.GetByLabel("Integration").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Demo CRM" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("integration=demo-crm"));
        await page.GetByLabel("Search end users").FillAsync("demo-u-00001");
        await Expect(page).ToHaveURLAsync(new Regex("integration=demo-crm.*q=demo-u-00001|q=demo-u-00001.*integration=demo-crm"));
        await Expect(Rows(page, "connections-grid").First).ToContainTextAsync("Demo CRM");

        var shown = await Rows(page, "connections-grid").CountAsync();
        await page.ReloadAsync();

        await Expect(page.GetByLabel("Search end users")).ToHaveValueAsync("demo-u-00001");
        await Expect(Rows(page, "connections-grid")).ToHaveCountAsync(shown);
        foreach (var row in await Rows(page, "connections-grid").AllAsync())
        {
            await Expect(row).ToContainTextAsync("Demo CRM");
        }
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task The_grids_have_no_serious_accessibility_violation(string scheme)
    {
        var page = await SignedInAsync(scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);

        await page.GotoAsync(_app.BaseUrl + "/connections");
        await Expect(Rows(page, "connections-grid")).ToHaveCountAsync(50);
        await Expect(page.GetByLabel("Search end users")).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"/connections ({scheme})");

        await page.GotoAsync(_app.BaseUrl + "/end-users");
        await Expect(Rows(page, "end-users-grid")).ToHaveCountAsync(50);
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"/end-users ({scheme})");
    }
}
