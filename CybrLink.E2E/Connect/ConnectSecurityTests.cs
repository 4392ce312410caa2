using System.Net;
using CybrLink.E2E.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>What a security or accessibility review checks: the page's policy, axe, and where secrets ended up.</summary>
[Collection(ConnectCollection.Name)]
public sealed class ConnectSecurityTests(BrowserFixture browser, ConnectFixture fx)
{
    [Fact]
    public async Task The_connect_page_may_reach_exactly_the_nango_origin()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true });

        using var swap = await http.GetAsync(session.ConnectUrl);
        Assert.Equal(HttpStatusCode.SeeOther, swap.StatusCode);
        using var page = await http.GetAsync($"{fx.BaseUrl}/connect");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        var sandbox = fx.Sandbox.BaseUrl;
        var sandboxWs = "ws" + sandbox[4..];
        Assert.Equal(["'self'", sandbox, sandboxWs], directives["connect-src"]);
        Assert.Equal(["'self'", "data:", sandbox], directives["img-src"]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.DoesNotContain(directives.Values.SelectMany(v => v), s => s is "ws:" or "wss:" or "http:" or "https:" || s.Contains('*'));
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
    }

    [Theory]
    [InlineData("en-US", "en")]
    [InlineData("ja-JP", "ja")]
    public async Task Every_connect_state_has_no_serious_accessibility_violation(string browserLocale, string lang)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = browserLocale });
        var page = await context.NewPageAsync();

        var oauth = await fx.CreateSessionAsync("sandbox-mail");
        await page.GotoAsync(oauth.ConnectUrl);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
        await Expect(page.Locator("#connect-button")).ToBeEnabledAsync();
        await AssertAccessibleAsync(page, "consent (OAuth)");

        var consent = new ConnectUiPage(page);
        await ConnectUiPage.DecideAsync(await consent.ConnectInPopupAsync(), "Deny");
        await Expect(page.Locator("#connect-status[data-kind=error]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "error (denied)");

        await ConnectUiPage.DecideAsync(await consent.ConnectInPopupAsync(), "Approve");
        await Expect(page.Locator("#connect-status[data-kind=success]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "success");

        var apiKey = await fx.CreateSessionAsync("sandbox-crm");
        await page.GotoAsync(apiKey.ConnectUrl);
        await Expect(page.Locator("#connect-button")).ToBeEnabledAsync();
        await AssertAccessibleAsync(page, "API key form");

        var expiring = await fx.CreateSessionAsync("sandbox-mail", expiresInMinutes: 5);
        fx.Clock.Advance(TimeSpan.FromMinutes(6));
        try
        {
            var response = await page.GotoAsync(expiring.ConnectUrl);
            Assert.Equal(410, response!.Status);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
            await AssertAccessibleAsync(page, "expired");
        }
        finally
        {
            fx.Clock.Reset();
        }
    }

    [Fact]
    public async Task Tokens_and_typed_secrets_never_reach_cybrlinks_database_or_logs()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var connect = new ConnectUiPage(page);

        // One of each flow in this test, so the scan below has something to find whatever ran before it.
        var oauth = await fx.CreateSessionAsync("sandbox-mail");
        await connect.OpenAsync(oauth.ConnectUrl);
        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await connect.ExpectConnectedAsync();

        var basic = await fx.CreateSessionAsync("sandbox-helpdesk");
        var password = fx.NewSecret();
        fx.TypedSecrets.Add(password);
        await connect.OpenAsync(basic.ConnectUrl);
        await page.GetByLabel("Username").FillAsync("ada");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();
        await connect.ExpectConnectedAsync();

        var database = fx.App.ReadDatabaseText();
        var logs = fx.App.Logs.All;
        Assert.Contains(oauth.Id.ToString(), database, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sbx_canary_", database, StringComparison.Ordinal);
        Assert.DoesNotContain("sbx_canary_", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectFixture.SecretMarker, database, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectFixture.SecretMarker, logs, StringComparison.Ordinal);
        foreach (var secret in fx.TypedSecrets)
        {
            Assert.DoesNotContain(secret, database, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        // Connect session tokens are kept as hashes only and never logged.
        Assert.DoesNotContain(oauth.Token, database, StringComparison.Ordinal);
        Assert.DoesNotContain(oauth.Token, logs, StringComparison.Ordinal);
    }

    private static async Task AssertAccessibleAsync(IPage page, string state)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html + " " + string.Join("; ", n.Any.Select(c => c.Message))))})").ToList();
        Assert.True(serious.Count == 0, $"{state}: {string.Join("\n", serious)}");
    }
}
