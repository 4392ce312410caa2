using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.ServerKeys;
using CybrLink.E2E.Infrastructure;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>A Viewer reads every page and is offered no change; a change forced through anyway is refused and audited.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ViewerTests(BrowserFixture browser) : IAsyncLifetime
{
    // Cookies are checked on every request, so a tab that reconnects after a refusal presents a checked cookie.
    private static readonly Dictionary<string, string?> Settings = new() { ["Operators:CookieCheckInterval"] = "00:00:00" };

    private readonly TestDatabase _database = TestDatabase.Create(TestDatabaseProvider.Sqlite);
    private CybrLinkAppFactory _app = null!;
    private CybrLinkAppFactory? _otherInstance;

    public async Task InitializeAsync()
    {
        _app = new CybrLinkAppFactory(Settings, useRealServer: true, sharedDatabase: _database);
        await ConsoleWorld.SeedAsync(_app);
    }

    public async Task DisposeAsync()
    {
        if (_otherInstance is not null)
        {
            await _otherInstance.DisposeAsync();
        }

        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_viewer_walks_every_console_page_and_is_offered_no_control_that_changes_something()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(page, _app.BaseUrl, ConsoleWorld.ViewerEmail, ConsoleWorld.Password);

        foreach (var route in ConsoleRoutes.SignedIn)
        {
            await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, route);

            var main = page.GetByRole(AriaRole.Main);
            var offered = await main.GetByRole(AriaRole.Button, new() { NameRegex = ConsoleRoutes.MutatingControl }).AllInnerTextsAsync();
            Assert.True(offered.Count == 0, $"{route}: a Viewer is offered {string.Join(", ", offered)}");
            var toggles = new List<string>();
            foreach (var role in new[] { AriaRole.Switch, AriaRole.Checkbox })
            {
                foreach (var toggle in await main.GetByRole(role).AllAsync())
                {
                    var name = await toggle.GetAttributeAsync("aria-label") ?? await toggle.EvaluateAsync<string>("e => (e.labels && e.labels[0] ? e.labels[0].innerText : '')");
                    if (!ConsoleRoutes.ViewToggles.Contains(name.Trim()))
                    {
                        toggles.Add(name);
                    }
                }
            }

            Assert.True(toggles.Count == 0, $"{route}: a Viewer is offered the toggles {string.Join(", ", toggles)}");
        }

        // The walk saw the pages' data, not empty shells: the seeded key and integrations are listed.
        await ConsoleRouteWalk.OpenAsync(page, _app.BaseUrl, new("/server-keys", "Server keys"));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = ConsoleWorld.KeyName })).ToContainTextAsync("Active");
    }

    [Fact]
    public async Task An_admin_demoted_on_another_instance_is_refused_when_their_open_tab_creates_a_key_and_it_is_audited()
    {
        // Two instances on one database: the demotion on the other one cannot tell this tab, so only the per-action
        // check stands between the click and a new key.
        _otherInstance = new CybrLinkAppFactory(Settings, useRealServer: true, sharedDatabase: _database);
        await using var adaContext = await browser.NewContextAsync();
        await using var bobContext = await browser.NewContextAsync();
        const string bob = "bob.admin@example.com";
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<Core.Operators.OperatorService>()
                .CreateAsync(bob, ConsoleWorld.Password, Core.Operators.OperatorRoles.Admin)).Succeeded);
        }

        var ada = await adaContext.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(ada, _app.BaseUrl, ConsoleWorld.AdminEmail, ConsoleWorld.Password);
        await ConsoleRouteWalk.OpenAsync(ada, _app.BaseUrl, new("/server-keys", "Server keys"));
        var create = ada.GetByRole(AriaRole.Button, new() { Name = "Create key" });
        await Expect(create).ToBeEnabledAsync();

        var other = await bobContext.NewPageAsync();
        await ConsoleRouteWalk.SignInAsync(other, _otherInstance.BaseUrl, bob, ConsoleWorld.Password);
        await ConsoleRouteWalk.OpenAsync(other, _otherInstance.BaseUrl, new("/operators", "Operators"));
        await other.GetByRole(AriaRole.Button, new() { Name = $"Make Viewer: {ConsoleWorld.AdminEmail}" }).ClickAsync();
        await other.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Make Viewer" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Row).Filter(new() { HasText = ConsoleWorld.AdminEmail })).ToContainTextAsync("Viewer");

        await ada.GetByLabel("Key name").FillAsync("made after the demotion");
        await create.ClickAsync();

        await Expect(ada.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var keys = await _app.Services.GetRequiredService<ServerKeyService>().ListAsync();
        Assert.Equal([ConsoleWorld.KeyName], keys.Select(k => k.Name));
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var denied = await db.AuditEvents.Where(a => a.Action == AuditActions.OperatorDenied).ToListAsync();
        // The first circuit message the click sends (MudBlazor's JS interop or the DOM event) is the one refused.
        Assert.Contains(denied, a => a.ActorId == ConsoleWorld.AdminEmail && a.Detail!.EndsWith("from a tab whose sign-in has ended", StringComparison.Ordinal));
    }
}
