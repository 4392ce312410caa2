using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Operators;
using CybrLink.E2E.Connect;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>
/// An Admin opens a connection an end user really made (Connect UI, sandbox OAuth, consent approved), sees the
/// consent record, revokes it and watches each step; the server API agrees. Every page seen passes axe in both modes.
/// </summary>
// Note: on the Connect collection (not BrowserCollection with its own app) because the connection is made through
// the real Connect UI against the sandbox, which that collection's fixture hosts.
[Collection(ConnectCollection.Name)]
public sealed class ConnectionDetailTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private const string AdminEmail = "detail-admin@example.com";
    private const string Password = "a long operator passphrase";

    private IBrowserContext _light = null!;
    private IBrowserContext _dark = null!;

    public async Task InitializeAsync()
    {
        await using (var scope = fx.App.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
            Assert.True((await operators.CreateAsync(AdminEmail, Password, OperatorRoles.Admin)).Succeeded);
        }

        _light = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Light });
        _dark = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Dark });
    }

    public async Task DisposeAsync()
    {
        await _light.DisposeAsync();
        await _dark.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_opens_a_real_connection_sees_its_consent_revokes_it_step_by_step_and_the_api_agrees()
    {
        // The end user connects Sandbox Mail in the Connect UI: their consent is recorded when they press Connect.
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _light.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);
        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await connect.ExpectConnectedAsync();
        var connectionId = (await fx.GetSessionAsync(session.Id)).GetProperty("connection_id").GetGuid();

        // The operator finds it in the connections grid, filtered by integration and a search for the end user, the
        // filters in the address, and opens the row named after the end user.
        var page = await SignInAsync(_light);
        await page.GotoAsync($"{fx.BaseUrl}/connections?integration=sandbox-mail&q=ada");
        // (Other tests in this collection connect Ada too: every row found is hers, and this one is among them.)
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ada Lovelace", Exact = true }).First).ToBeVisibleAsync();
        var row = page.Locator($"a[href='/connections/{connectionId}']");
        await Expect(row).ToHaveTextAsync("Ada Lovelace");
        await row.ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fx.BaseUrl}/connections/{connectionId}");
        await ExpectDetailAsync(page);
        await Expect(page.GetByTestId("consent-record")).ToContainTextAsync("What CybrLink will be able to do");
        await Expect(page.GetByTestId("connection-sessions")).ToContainTextAsync("completed");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "connection detail (light)");
        await Screenshots.SaveAsync(page, "connection-detail-light");

        var dark = await SignInAsync(_dark);
        await OpenDetailAsync(dark, connectionId);
        await ExpectDarkAsync(dark);
        await Accessibility.AssertNoSeriousViolationsAsync(dark, "connection detail (dark)");
        await Screenshots.SaveAsync(dark, "connection-detail-dark");

        // Revoke: confirm, then the steps appear as they complete.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("cannot be undone");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        var steps = dialog.GetByTestId("revoke-steps").Locator("li[data-step]");
        await Expect(steps).ToHaveTextAsync(["Blocked in CybrLink: done", "Deleted in Nango: done"], new() { Timeout = 20_000 });
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(page.GetByTestId("connection-status")).ToHaveTextAsync("revoked");
        await Expect(page.GetByTestId("audit-timeline")).ToContainTextAsync("connection.revoked");

        // The server API says the same.
        var fromApi = await fx.Api.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connectionId}");
        Assert.Equal("revoked", fromApi.GetProperty("status").GetString());

        // The sessions list and the end user's page, light and dark.
        foreach (var (context, mode) in new[] { (page, "light"), (dark, "dark") })
        {
            await context.GotoAsync($"{fx.BaseUrl}/connect-sessions");
            await Expect(context.GetByRole(AriaRole.Heading, new() { Name = "Connect sessions", Level = 1 })).ToBeVisibleAsync();
            await Expect(context.GetByTestId("session-status").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await ExpectModeAsync(context, mode);
            await Accessibility.AssertNoSeriousViolationsAsync(context, $"connect sessions ({mode})");

            await context.GotoAsync($"{fx.BaseUrl}/end-users/e2e-ada");
            await Expect(context.GetByRole(AriaRole.Heading, new() { Name = "Ada Lovelace", Level = 1 })).ToBeVisibleAsync();
            await Expect(context.GetByTestId("end-user-connections")).ToBeVisibleAsync();
            await ExpectModeAsync(context, mode);
            await Accessibility.AssertNoSeriousViolationsAsync(context, $"end-user detail ({mode})");
        }
    }

    private async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, fx.BaseUrl);
        await console.SignInAsync(AdminEmail, Password);
        await console.ExpectConsoleAsync();
        return page;
    }

    private async Task OpenDetailAsync(IPage page, Guid connectionId)
    {
        await page.GotoAsync($"{fx.BaseUrl}/connections/{connectionId}");
        await ExpectDetailAsync(page);
    }

    private static async Task ExpectDetailAsync(IPage page)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Sandbox Mail for Ada Lovelace");
        // Interactive (the circuit is up) and its data shown.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true })).ToBeEnabledAsync();
        await Expect(page.GetByTestId("audit-timeline")).ToBeVisibleAsync();
    }

    private static Task ExpectModeAsync(IPage page, string mode) => mode == "dark" ? ExpectDarkAsync(page) : Task.CompletedTask;

    /// <summary>The console applied the system's dark preference (it does so once the circuit is up).</summary>
    private static async Task ExpectDarkAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'");
}
