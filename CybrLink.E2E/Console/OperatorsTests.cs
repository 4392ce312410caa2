using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>An Admin manages operators; every operator changes their own password and stays signed in.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OperatorsTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string NewPassword = "seven purple lanterns drifting";

    // Cookies are checked on every request: a sign-in the password change ended is refused at once.
    private readonly CybrLinkAppFactory _app = new(
        new Dictionary<string, string?> { ["Operators:CookieCheckInterval"] = "00:00:00" }, useRealServer: true);

    public Task InitializeAsync() => ConsoleWorld.SeedAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_admin_creates_an_operator_resets_their_password_and_the_new_one_signs_them_in()
    {
        const string newcomer = "nia.new@example.com";
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await context.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.AdminEmail, ConsoleWorld.Password);
        await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, new("/operators", "Operators"));

        await page.GetByRole(AriaRole.Button, new() { Name = "New operator" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Email").FillAsync(newcomer);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create operator" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = newcomer });
        await Expect(row).ToContainTextAsync("Viewer");
        await Expect(row).ToContainTextAsync("never");
        // The confirmation appears at the bottom, clear of the app bar and its controls.
        var snackbar = page.Locator(".mud-snackbar").Filter(new() { HasText = $"Operator {newcomer} created." });
        await Expect(snackbar).ToBeVisibleAsync();
        var bar = (await page.GetByRole(AriaRole.Banner).BoundingBoxAsync())!;
        Assert.True((await snackbar.BoundingBoxAsync())!.Y > bar.Y + bar.Height);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Reset password of {newcomer}" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Reset password" });
        await Expect(confirm).ToHaveCSSAsync("background-color", "rgb(198, 40, 40)");
        await confirm.ClickAsync();
        var shown = page.GetByLabel("New password");
        await Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$"));
        var password = await shown.InputValueAsync();

        await using var theirs = await browser.NewContextAsync(new() { Locale = "en-US" });
        var theirPage = await theirs.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(theirPage, _app.BaseUrl, newcomer, password);
        await ConsoleRouteWalk.OpenAsync(theirPage, _app.BaseUrl, new("/operators", "Operators"));
        await Expect(theirPage.GetByRole(AriaRole.Row).Filter(new() { HasText = newcomer })).Not.ToContainTextAsync("never");
    }

    [Fact]
    public async Task A_viewer_changes_their_own_password_stays_signed_in_and_their_other_sign_ins_end()
    {
        await using var elsewhere = await browser.NewContextAsync(new() { Locale = "en-US" });
        var otherPage = await elsewhere.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(otherPage, _app.BaseUrl, ConsoleWorld.ViewerEmail, ConsoleWorld.Password);
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await context.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.ViewerEmail, ConsoleWorld.Password);

        await new ConsolePages(page, _app.BaseUrl).NavigateAsync("My account", "My account");
        await page.GetByLabel("Current password").FillAsync("not the password");
        await page.GetByLabel("New password (at least 12 characters)").FillAsync(NewPassword);
        await page.GetByLabel("Confirm new password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The current password is not correct.");

        await page.GetByLabel("Current password").FillAsync(ConsoleWorld.Password);
        await page.GetByLabel("New password (at least 12 characters)").FillAsync(NewPassword);
        await page.GetByLabel("Confirm new password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password was changed.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the console" }).ClickAsync();
        await new ConsolePages(page, _app.BaseUrl).ExpectConsoleAsync();
        await otherPage.GotoAsync(_app.BaseUrl + "/");
        await Expect(otherPage.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await new ConsolePages(otherPage, _app.BaseUrl).SignInAsync(ConsoleWorld.ViewerEmail, NewPassword);
        await new ConsolePages(otherPage, _app.BaseUrl).ExpectConsoleAsync();
    }
}
