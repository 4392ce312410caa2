using System.Net;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Account;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Operators;

/// <summary>Sign-out, disabling and role changes reach cookies and open console tabs that already exist.</summary>
public class SessionRevocationTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly TimeSpan CookieCheck = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ConsoleCheck = TimeSpan.FromSeconds(15);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CybrLinkAppFactory _app;

    public SessionRevocationTests() => _app = new CybrLinkAppFactory(
        new Dictionary<string, string?>
        {
            ["Operators:CookieCheckInterval"] = CookieCheck.ToString(),
            ["Operators:ConsoleCheckInterval"] = ConsoleCheck.ToString(),
        },
        configureServices: services =>
        {
            TestClientAddress.Register(services);
            services.AddSingleton<TimeProvider>(_time);
        },
        provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.CreateAsync("admin@example.com", Password, OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync("second.admin@example.com", Password, OperatorRoles.Admin)).Succeeded);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_cookie_saved_before_sign_out_is_refused_after_it()
    {
        using var browser = new OperatorBrowser(_app);
        using (var signedIn = await browser.SignInAsync("admin@example.com", Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var saved = OperatorBrowser.WithSavedCookie(_app, browser.OperatorCookie!);
        using (var before = await saved.GetAsync("/server-keys"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signedOut = await browser.SignOutAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        _time.Advance(CookieCheck + TimeSpan.FromSeconds(1));
        using var after = await saved.GetAsync("/server-keys");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_role_change_ends_existing_cookies_within_the_check_interval_and_the_next_sign_in_has_the_new_role()
    {
        using var browser = new OperatorBrowser(_app);
        await browser.SignInAsync("admin@example.com", Password);
        using var saved = OperatorBrowser.WithSavedCookie(_app, browser.OperatorCookie!);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().SetRoleAsync("admin@example.com", OperatorRoles.Viewer)).Succeeded);
        }

        _time.Advance(CookieCheck + TimeSpan.FromSeconds(1));
        using (var stale = await saved.GetAsync("/server-keys"))
        {
            Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
            Assert.StartsWith("/account/login", stale.Headers.Location!.PathAndQuery);
        }

        using var again = new OperatorBrowser(_app);
        await again.SignInAsync("admin@example.com", Password);
        using var keys = await again.GetAsync("/server-keys");

        // A Viewer reads the page, and is offered nothing to change on it.
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        var markup = await keys.Content.ReadAsStringAsync();
        Assert.Contains("Server keys", markup);
        Assert.DoesNotContain("Create key", markup);
    }

    [Fact]
    public async Task Disabling_an_operator_ends_their_existing_cookie()
    {
        using var browser = new OperatorBrowser(_app);
        await browser.SignInAsync("admin@example.com", Password);
        using var saved = OperatorBrowser.WithSavedCookie(_app, browser.OperatorCookie!);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().DisableAsync("admin@example.com")).Succeeded);
        }

        _time.Advance(CookieCheck + TimeSpan.FromSeconds(1));
        using var home = await saved.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/account/login", home.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_disabled_or_demoted()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.DisableAsync("second.admin@example.com")).Succeeded);

        var disabled = await operators.DisableAsync("admin@example.com");
        var demoted = await operators.SetRoleAsync("admin@example.com", OperatorRoles.Viewer);

        Assert.False(disabled.Succeeded);
        Assert.False(demoted.Succeeded);
        Assert.Equal(OperatorService.LastAdminMessage, disabled.Errors.Single());
    }

    [Fact]
    public async Task An_open_console_tab_loses_its_sign_in_at_once_when_the_operator_signs_out_elsewhere()
    {
        await using var tab = await OpenTabAsync("admin@example.com");
        var provider = tab.Provider;

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await scope.ServiceProvider.GetRequiredService<OperatorService>()
                .InvalidateSessionsAsync((await users.FindByEmailAsync("admin@example.com"))!);
        }

        await provider.Revoked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task An_open_console_tab_notices_a_changed_operator_at_its_next_check()
    {
        await using var tab = await OpenTabAsync("admin@example.com");

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // Straight through Identity: no notification, only the periodic check can notice.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync("admin@example.com"))!);
        }

        Assert.False(tab.Provider.Revoked.IsCompleted);
        _time.Advance(ConsoleCheck);

        await tab.Provider.Revoked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False((await tab.Provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    /// <summary>A console tab's authentication state, as a circuit would have it, for the operator just signed in.</summary>
    private async Task<Tab> OpenTabAsync(string email)
    {
        var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<IdentityUser>>()
            .CreateAsync((await users.FindByEmailAsync(email))!);
        var provider = (OperatorAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return new Tab(scope, provider);
    }

    private sealed record Tab(AsyncServiceScope Scope, OperatorAuthenticationStateProvider Provider) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scope.DisposeAsync();
    }
}
