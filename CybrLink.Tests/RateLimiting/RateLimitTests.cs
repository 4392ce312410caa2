using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using CybrLink.Tests.Operators;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.RateLimiting;

public sealed partial class RateLimitTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly CybrLinkAppFactory _app = new(
        new Dictionary<string, string?>
        {
            ["RateLimits:SignInPerAddress:PermitLimit"] = "10",
            ["RateLimits:SignInPerAccountAndAddress:PermitLimit"] = "5",
            ["RateLimits:SignInPerAccount:PermitLimit"] = "12",
            ["RateLimits:SetupPerAddress:PermitLimit"] = "10",
            ["RateLimits:ConnectPerAddress:PermitLimit"] = "5",
            ["RateLimits:ApiPerKey:PermitLimit"] = "4",
            ["RateLimits:ApiPerAddress:PermitLimit"] = "3",
        },
        configureServices: TestClientAddress.Register);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Api_calls_are_limited_per_server_key()
    {
        using var first = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("first"));
        using var second = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("second"));
        for (var i = 0; i < 4; i++)
        {
            using var allowed = await first.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await first.GetAsync("/api/v1/me");
        using var otherKey = await second.GetAsync("/api/v1/me");

        await AssertRateLimitedProblemAsync(limited);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    [Fact]
    public async Task Api_calls_without_a_valid_key_are_limited_per_address()
    {
        using var guesser = ClientFrom("10.1.0.1");
        using var bystander = ClientFrom("10.1.0.2");
        guesser.DefaultRequestHeaders.Authorization = new("Bearer", "cbl_not_a_real_key");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await guesser.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await guesser.GetAsync("/api/v1/me");
        using var other = await bystander.GetAsync("/api/v1/me");

        await AssertRateLimitedProblemAsync(limited);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task The_connect_ui_is_limited_per_address()
    {
        using var busy = ClientFrom("10.2.0.1");
        using var other = ClientFrom("10.2.0.2");
        for (var i = 0; i < 5; i++)
        {
            using var page = await busy.GetAsync("/connect");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, page.StatusCode);
        }

        using var limitedPage = await busy.GetAsync("/connect");
        using var limitedCall = await busy.PostAsync("/connect/start", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var otherPage = await other.GetAsync("/connect");

        await AssertRateLimitedProblemAsync(limitedPage);
        await AssertRateLimitedProblemAsync(limitedCall);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, otherPage.StatusCode);
    }

    [Fact]
    public async Task An_attackers_burst_slows_the_attacker_but_the_owner_still_signs_in_from_elsewhere()
    {
        await CreateOperatorAsync("owner@example.com");
        using var attacker = new OperatorBrowser(_app, "10.3.0.66");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 30; i++)
        {
            last?.Dispose();
            last = await attacker.SignInAsync("owner@example.com", "guess number " + i);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(25, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("Too many sign-in attempts. Wait a minute, then try again.", OperatorBrowser.ErrorText(await last.Content.ReadAsStringAsync()));
        last.Dispose();

        using var owner = new OperatorBrowser(_app, "10.3.0.1");
        using var signedIn = await owner.SignInAsync("owner@example.com", Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(owner.OperatorCookie);
    }

    [Fact]
    public async Task A_guessing_attack_spread_over_addresses_is_limited_per_account()
    {
        await CreateOperatorAsync("owner@example.com");
        var statuses = new List<HttpStatusCode>();
        for (var address = 1; address <= 4; address++)
        {
            using var attacker = new OperatorBrowser(_app, $"10.4.0.{address}");
            for (var i = 0; i < 4; i++)
            {
                using var response = await attacker.SignInAsync("owner@example.com", $"guess {address}-{i}");
                statuses.Add(response.StatusCode);
            }
        }

        Assert.Equal(12, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task The_setup_code_still_works_after_fifty_wrong_tries_from_another_address()
    {
        using (var stranger = new OperatorBrowser(_app, "10.5.0.66"))
        {
            var limited = 0;
            for (var i = 0; i < 50; i++)
            {
                using var response = await stranger.SetupAsync($"WRNG-CODE-{i:D4}", "stranger@example.com", Password);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    limited++;
                    Assert.Equal("Too many tries. Wait a minute, then try again.", OperatorBrowser.ErrorText(await response.Content.ReadAsStringAsync()));
                }
            }

            Assert.Equal(40, limited);
        }

        var code = SetupCodePattern().Match(string.Join("\n", _app.Logs.Lines)).Value;
        using var installer = new OperatorBrowser(_app, "10.5.0.1");
        using var created = await installer.SetupAsync(code, "installer@example.com", Password);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.NotNull(installer.OperatorCookie);
    }

    private HttpClient ClientFrom(string address)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, address);
        return client;
    }

    private async Task CreateOperatorAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(email, Password, OperatorRoles.Admin)).Succeeded);
    }

    private static async Task AssertRateLimitedProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) >= 1);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rate_limited", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(429, body.RootElement.GetProperty("status").GetInt32());
    }

    [GeneratedRegex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")]
    private static partial Regex SetupCodePattern();
}
