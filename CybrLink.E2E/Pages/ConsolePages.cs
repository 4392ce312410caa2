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
        // Note: a round trip over the circuit plus a database write; on a loaded 2-core runner that can exceed 5 s.
        await Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cbl_"), new() { Timeout = 20_000 });
        // The form is ready for the next key: empty, and not complaining that it is.
        await Expect(page.GetByLabel("Key name")).ToHaveValueAsync("");
        await Expect(page.GetByText("Give the key a name.")).ToHaveCountAsync(0);
        return await shown.InputValueAsync();
    }

    /// <summary>Follows a link in the console's navigation to the page of that name.</summary>
    public async Task NavigateAsync(string linkName, string heading)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = linkName, Exact = true }).ClickAsync();
        await Expect(Heading(heading)).ToBeVisibleAsync();
    }

    public ILocator Heading(string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    /// <summary>
    /// The page's heading has the focus (so screen readers announce the new page) but draws no focus ring, and sits
    /// in the page's main landmark.
    /// </summary>
    public async Task ExpectHeadingFocusedWithoutRingAsync(string name)
    {
        var heading = page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });
        await Expect(heading).ToBeFocusedAsync();
        Assert.Equal("none", await heading.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle"));
    }

    public async Task RevokeServerKeyAsync(string name)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Revoked");
    }
}
