using CybrLink.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

public static class ConsoleRouteWalk
{
    /// <summary>Opens the page by its address and waits until it is usable: heading shown, circuit up, data loaded.</summary>
    public static async Task OpenAsync(IPage page, string baseUrl, ConsoleRoute route)
    {
        await page.GotoAsync(baseUrl + route.Path);
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Name = route.Heading, Level = 1 })).ToBeVisibleAsync();
        if (route.Interactive)
        {
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" })).ToBeEnabledAsync();
            // Every console page shows a progress bar while its data loads.
            await Expect(page.GetByRole(AriaRole.Main).Locator(".mud-progress-linear")).ToHaveCountAsync(0);
        }
    }

    public static async Task SignInAsync(IPage page, string baseUrl, string email, string password)
    {
        var console = new ConsolePages(page, baseUrl);
        await console.SignInAsync(email, password);
        await console.ExpectConsoleAsync();
    }
}
