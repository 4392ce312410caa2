using System.Text.RegularExpressions;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>
/// Every page (ConsoleRoutes) in light and dark: no serious or critical axe violation, one main landmark, a skip link,
/// and the heading focused without a ring on load. Plus the dark-mode choice surviving a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccessibilityTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app = new(useRealServer: true);

    public Task InitializeAsync() => ConsoleWorld.SeedAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Every_page_has_no_serious_axe_violation(ColorScheme scheme)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme });
        var page = await context.NewPageAsync();

        foreach (var route in ConsoleRoutes.Public)
        {
            await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, route);
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"{route} ({scheme})");
        }

        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.AdminEmail, ConsoleWorld.Password);
        foreach (var route in ConsoleRoutes.SignedIn)
        {
            await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, route);
            if (route.Interactive)
            {
                await Expect(page.GetByRole(AriaRole.Main)).ToHaveCountAsync(1);
                await new ConsolePages(page, _app.BaseUrl).ExpectHeadingFocusedWithoutRingAsync(route.Heading);
                Assert.Equal(scheme == ColorScheme.Dark, await IsDarkAsync(page));
            }

            await Accessibility.AssertNoSeriousViolationsAsync(page, $"{route} ({scheme})");
        }
    }

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_setup_page_has_no_serious_axe_violation(ColorScheme scheme)
    {
        await using var fresh = new CybrLinkAppFactory(useRealServer: true);
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme });
        var page = await context.NewPageAsync();

        await ConsoleRouteWalk.OpenAsync(page, fresh.BaseUrl, new("/setup", "Create the first admin", Interactive: false));

        await Accessibility.AssertNoSeriousViolationsAsync(page, $"/setup ({scheme})");
    }

    [Fact]
    public async Task The_dark_mode_choice_survives_a_reload_and_is_prerendered()
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Light });
        var page = await context.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.AdminEmail, ConsoleWorld.Password);
        Assert.False(await IsDarkAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.cookie.includes('cybrlink.theme=dark')");
        await page.ReloadAsync();

        await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, new("/", "Overview"));
        Assert.True(await IsDarkAsync(page));
        // The server's first answer is already dark (no light flash while the circuit starts).
        var prerendered = await (await context.APIRequest.GetAsync(_app.BaseUrl + "/")).TextAsync();
        Assert.Matches(DarkBackground(), prerendered);
    }

    [Fact]
    public async Task The_skip_link_is_the_first_stop_shows_when_focused_and_moves_focus_into_the_page()
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await context.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.AdminEmail, ConsoleWorld.Password);
        await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, new("/catalog", "Catalog"));
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Expect(skip).Not.ToBeInViewportAsync();
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>(
            "() => document.querySelector('a[href], button:not([disabled]), input, [tabindex]:not([tabindex=\"-1\"])').textContent.trim()"));

        await skip.FocusAsync();
        await Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Main)).ToBeFocusedAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/catalog$"));
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Name = "Catalog" })).ToBeVisibleAsync();
    }

    /// <summary>Whether the console wears its dark palette (the page background is dark).</summary>
    private static Task<bool> IsDarkAsync(IPage page) => page.EvaluateAsync<bool>(
        """
        () => {
          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 100;
        }
        """);

    // MudBlazor's dark palette background, as the theme provider writes it into the prerendered page.
    [GeneratedRegex(@"--mud-palette-background:\s*rgba\(50,51,61,1\)")]
    private static partial Regex DarkBackground();
}
