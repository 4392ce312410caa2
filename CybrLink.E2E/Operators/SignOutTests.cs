using CybrLink.Core.Operators;
using CybrLink.Core.ServerKeys;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Operators;

/// <summary>An open console tab cannot outlive its operator's sign-in.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignOutTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Email = "ops.lead@example.com";
    private const string Password = "violet kettle under the bridge";

    // Cookies are checked on every request here, so a reconnecting tab presents a checked cookie.
    private readonly CybrLinkAppFactory _app = new(
        new Dictionary<string, string?> { ["Operators:CookieCheckInterval"] = "00:00:00" }, useRealServer: true);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _ = _app.BaseUrl;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(Email, Password, OperatorRoles.Admin);
            Assert.True(created.Succeeded, string.Join(" ", created.Errors));
        }

        _context = await browser.NewContextAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Signing_out_in_one_tab_sends_the_other_open_tab_to_sign_in()
    {
        var keysTab = new ConsolePages(await _context.NewPageAsync(), _app.BaseUrl);
        await keysTab.SignInAsync(Email, Password);
        await keysTab.ExpectConsoleAsync();
        await keysTab.OpenServerKeysAsync();
        await Expect(keysTab.Page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToBeEnabledAsync();

        var otherTab = new ConsolePages(await _context.NewPageAsync(), _app.BaseUrl);
        await otherTab.Page.GotoAsync(_app.BaseUrl + "/");
        await otherTab.ExpectConsoleAsync();
        await otherTab.SignOutAsync();

        await Expect(keysTab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_tab_whose_operator_was_signed_out_elsewhere_cannot_create_a_server_key()
    {
        var tab = new ConsolePages(await _context.NewPageAsync(), _app.BaseUrl);
        await tab.SignInAsync(Email, Password);
        await tab.ExpectConsoleAsync();
        await tab.OpenServerKeysAsync();
        var create = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Create key" });
        await Expect(create).ToBeEnabledAsync();

        // Straight through Identity, as another instance would: this tab hears nothing and its periodic check is
        // 30 s away, so only the per-action check stands between the click and a new key.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(Email))!);
        }

        await tab.Page.GetByLabel("Key name").FillAsync("made after sign-out");
        await create.ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Empty(await _app.Services.GetRequiredService<ServerKeyService>().ListAsync());
    }
}
