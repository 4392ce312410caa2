using System.Net;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Operators;

public sealed class SetupCodeTests
{
    [Fact]
    public void The_issued_code_verifies_forgiving_case_and_spacing()
    {
        var setup = new SetupCode();
        var code = setup.Issue();

        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        Assert.True(setup.Verify(code));
        Assert.True(setup.Verify(" " + code.Replace("-", " ").ToLowerInvariant() + " "));
    }

    [Fact]
    public void Nothing_verifies_before_a_code_is_issued_or_after_it_is_revoked()
    {
        var setup = new SetupCode();
        Assert.False(setup.Verify("AAAA-BBBB-CCCC"));

        var code = setup.Issue();
        setup.Revoke();

        Assert.False(setup.Verify(code));
        Assert.False(setup.IsIssued);
    }

    [Fact]
    public void Wrong_tries_never_void_the_code()
    {
        var setup = new SetupCode();
        var code = setup.Issue();

        for (var i = 0; i < 50; i++)
        {
            Assert.False(setup.Verify("WRONG-CODE-" + i));
        }

        Assert.True(setup.Verify(code));
    }

    [Fact]
    public void A_new_code_replaces_the_old_one()
    {
        var setup = new SetupCode();
        var first = setup.Issue();
        var second = setup.Issue();

        Assert.NotEqual(first, second);
        Assert.False(setup.Verify(first));
        Assert.True(setup.Verify(second));
    }
}

public sealed class SetupPageTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Start_up_logs_a_setup_code_when_no_operator_exists()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/setup");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Create the first admin", await response.Content.ReadAsStringAsync());
        Assert.Contains(_app.Logs.Lines, l => l.Contains("one-time setup code") && System.Text.RegularExpressions.Regex.IsMatch(l, "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"));
    }

    [Fact]
    public async Task Setup_is_gone_once_an_operator_exists()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<OperatorService>()
                .CreateFirstAdminAsync("admin@example.com", "a long enough passphrase");
            Assert.True(result.Succeeded);
        }

        using var response = await client.GetAsync("/setup");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Only_one_first_admin_can_be_created()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();

        Assert.True((await operators.CreateFirstAdminAsync("first@example.com", "a long enough passphrase")).Succeeded);
        var second = await operators.CreateFirstAdminAsync("second@example.com", "a long enough passphrase");

        Assert.False(second.Succeeded);
        Assert.Contains("already complete", second.Errors.Single());
    }

    [Fact]
    public async Task The_console_sends_anonymous_visitors_to_sign_in()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/server-keys");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }
}
