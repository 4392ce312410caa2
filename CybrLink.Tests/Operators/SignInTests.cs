using System.Net;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Operators;

/// <summary>Counts password-hash verifications, to prove every refused sign-in does the same work.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<IdentityUser>
{
    private readonly PasswordHasher<IdentityUser> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(IdentityUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public sealed class SignInTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly CountingPasswordHasher _hasher = new();
    private readonly CybrLinkAppFactory _app;

    public SignInTests() => _app = new CybrLinkAppFactory(configureServices: services =>
    {
        TestClientAddress.Register(services);
        services.AddSingleton<IPasswordHasher<IdentityUser>>(_hasher);
    });

    public async Task InitializeAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.CreateAsync("owner@example.com", Password, OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync("other.admin@example.com", Password, OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync("gone@example.com", Password, OperatorRoles.Viewer)).Succeeded);
        Assert.True((await operators.DisableAsync("gone@example.com")).Succeeded);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_right_password_signs_in()
    {
        using var browser = new OperatorBrowser(_app);

        using var response = await browser.SignInAsync("owner@example.com", Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(browser.OperatorCookie);
    }

    [Fact]
    public async Task Unknown_email_wrong_password_and_disabled_operator_get_the_same_answer_after_one_hash_each()
    {
        var answers = new List<(HttpStatusCode Status, string? Error, int Hashes)>();
        foreach (var (email, password) in new[]
                 {
                     ("nobody@example.com", Password),
                     ("owner@example.com", "not the right passphrase"),
                     ("gone@example.com", Password),
                 })
        {
            using var browser = new OperatorBrowser(_app);
            var before = _hasher.Verifications;
            using var response = await browser.SignInAsync(email, password);
            answers.Add((response.StatusCode, OperatorBrowser.ErrorText(await response.Content.ReadAsStringAsync()), _hasher.Verifications - before));
            Assert.Null(browser.OperatorCookie);
        }

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "Email or password is incorrect.", 1), a));
    }

    [Fact]
    public async Task A_disabled_operator_can_sign_in_again_once_enabled()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().EnableAsync("gone@example.com")).Succeeded);
        }

        using var browser = new OperatorBrowser(_app);
        using var response = await browser.SignInAsync("gone@example.com", Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Many_wrong_passwords_do_not_lock_the_account()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var owner = (await users.FindByEmailAsync("owner@example.com"))!;
            var signIn = scope.ServiceProvider.GetRequiredService<OperatorSignIn>();
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(SignInOutcome.Refused, await signIn.SignInAsync("owner@example.com", "wrong passphrase " + i));
            }

            Assert.False(await users.IsLockedOutAsync(owner));
        }
    }
}
