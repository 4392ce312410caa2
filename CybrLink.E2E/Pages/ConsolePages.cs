using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Pages;

/// <summary>The operator's pages, driven the way a person uses them: by labels and roles.</summary>
public sealed class ConsolePages(IPage page, string baseUrl)
{
    public IPage Page => page;

    public async Task CompleteSetupAsync(string code, string email, string password)
    {
        await page.GotoAsync($"{baseUrl}/setup");
        await page.GetByLabel("Setup code").FillAsync(code);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password (at least 12 characters)").FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin" }).ClickAsync();
    }

    public async Task SignInAsync(string email, string password)
    {
        await page.GotoAsync($"{baseUrl}/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>The console is shown and interactive (its circuit is up: a click on prerendered HTML would be lost).</summary>
    public async Task ExpectConsoleAsync()
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" })).ToBeEnabledAsync();
    }

    public async Task SignOutAsync() =>
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

    public async Task OpenServerKeysAsync()
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Server keys", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Server keys", Level = 1 })).ToBeVisibleAsync();
    }

    /// <returns>The key, as shown once after creation.</returns>
    public async Task<string> CreateServerKeyAsync(string name)
    {
        // The form works once the page is interactive (its button is disabled until then).
        var create = page.GetByRole(AriaRole.Button, new() { Name = "Create key" });
        await Expect(create).ToBeEnabledAsync();
        await page.GetByLabel("Key name").FillAsync(name);
        await create.ClickAsync();
        var shown = page.GetByLabel("New server key");
        await Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cbl_"));
        return await shown.InputValueAsync();
    }

    public async Task RevokeServerKeyAsync(string name)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Revoked");
    }
}
