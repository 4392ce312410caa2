using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Operators;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Sandbox;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>
/// The overview and the agent-call log in Chromium, over real agent calls through the sandbox: numbers and charts,
/// a decision filter, the live tail showing a call made while watching, axe in light and dark.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OverviewAndCallsTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminEmail = "admin@example.com";
    private const string Password = "a long operator passphrase";

    private RunningSandbox _sandbox = null!;
    private CybrLinkAppFactory _app = null!;
    private HttpClient _api = null!;
    private HttpClient _agent = null!;
    private Guid _connectionId;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _app = new CybrLinkAppFactory(new Dictionary<string, string?>
        {
            ["Nango:BaseUrl"] = _sandbox.BaseUrl,
            ["Nango:SecretKey"] = _sandbox.Options.SecretKey,
            ["Nango:WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey,
        }, useRealServer: true);
        _api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("overview e2e"));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(AdminEmail, Password, OperatorRoles.Admin)).Succeeded);
        }

        (await _api.PostAsync("/api/v1/integrations/refresh", null)).EnsureSuccessStatusCode();
        var agentId = (await PostAsync("/api/v1/agents", new { name = "mail-assistant" })).GetProperty("id").GetGuid();
        var key = (await PostAsync($"/api/v1/agents/{agentId}/keys", new { })).GetProperty("key").GetString()!;
        using (var policy = await _api.PutAsJsonAsync($"/api/v1/agents/{agentId}/policy", new
        {
            rules = new[] { new { id = "read-mail", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" } } },
        }))
        {
            policy.EnsureSuccessStatusCode();
        }

        _connectionId = await AddConnectionAsync("e2e-ada");
        _agent = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        _agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal("allowed", await CallAsync("list_messages", new { }));
        Assert.Equal("allowed", await CallAsync("list_messages", new { }));
        Assert.Equal("denied", await CallAsync("send_message", new { to = "x@example.com", subject = "hi", body = "hello" }));
    }

    public async Task DisposeAsync()
    {
        _agent?.Dispose();
        _api.Dispose();
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task The_overview_shows_the_numbers_and_charts_with_no_serious_axe_violation(ColorScheme scheme, string mode)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme, ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, _app.BaseUrl);
        await console.SignInAsync(AdminEmail, Password);
        await console.ExpectConsoleAsync();

        await Expect(page.GetByTestId("calls-allowed")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("calls-denied")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("connections-active")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("top-agents")).ToContainTextAsync("mail-assistant");
        await Expect(page.Locator("div.overview-chart[role=img] svg")).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Connections by status: Active 1, Error 0, Revoked 0" })).ToBeVisibleAsync();

        await Screenshots.SaveAsync(page, $"overview-{mode}");
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"the overview ({mode})");
    }

    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task The_call_log_filters_by_decision_and_tails_a_call_made_while_watching(ColorScheme scheme, string mode)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme, ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, _app.BaseUrl);
        await console.SignInAsync(AdminEmail, Password);
        await console.ExpectConsoleAsync();

        await page.GotoAsync(_app.BaseUrl.TrimEnd('/') + "/agent-calls?decision=allowed");
        await Expect(console.Heading("Agent calls")).ToBeVisibleAsync();
        var rows = page.Locator("tr.agent-call-row");
        await Expect(rows).ToHaveCountAsync(2);
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row).ToContainTextAsync("allowed");
        }

        await Expect(page.GetByTestId("call-count")).ToHaveTextAsync("2 calls match.");
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"the agent calls page ({mode})");

        var tail = page.GetByRole(AriaRole.Switch, new() { Name = "Live tail" }).Or(page.GetByLabel("Live tail"));
        await Expect(tail.First).ToBeEnabledAsync();
        await tail.First.CheckAsync();
        var requestId = await CallWithRequestIdAsync();

        await Expect(rows.First).ToContainTextAsync(requestId, new() { Timeout = 15_000 });
        await Expect(rows).ToHaveCountAsync(3);
    }

    private async Task<string> CallAsync(string action, object input)
    {
        using var response = await _agent.PostAsJsonAsync($"/api/v1/agent/actions/sandbox-mail/{action}", new { connection_id = _connectionId, input });
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var requestId = response.Headers.GetValues("CybrLink-Request-Id").Single();
        return await db.AgentCalls.Where(c => c.RequestId == requestId).Select(c => c.Decision).SingleAsync();
    }

    private async Task<string> CallWithRequestIdAsync()
    {
        using var response = await _agent.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { connection_id = _connectionId, input = new { } });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("CybrLink-Request-Id").Single();
    }

    /// <summary>A connection in the sandbox Nango (an OAuth import) and CybrLink's record of it.</summary>
    private async Task<Guid> AddConnectionAsync(string endUserId)
    {
        var nangoId = $"conn-{Guid.NewGuid():N}";
        using (var nango = new HttpClient())
        using (var import = new HttpRequestMessage(HttpMethod.Post, _sandbox.BaseUrl + "/connections")
        {
            Content = JsonContent.Create(new
            {
                provider_config_key = "sandbox-mail", connection_id = nangoId,
                credentials = new { type = "OAUTH2", access_token = "sbx_canary_a", refresh_token = "sbx_canary_r" },
                tags = new Dictionary<string, string>(),
            }),
        })
        {
            import.Headers.Authorization = new("Bearer", _sandbox.Options.SecretKey);
            (await nango.SendAsync(import)).EnsureSuccessStatusCode();
        }

        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7();
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        db.EndUsers.Add(new EndUser { Id = endUserId, CreatedAt = now, UpdatedAt = now });
        db.Connections.Add(new Connection
        {
            Id = id, NangoConnectionId = nangoId, IntegrationKey = "sandbox-mail", EndUserId = endUserId, Status = ConnectionStatus.Active,
            CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _api.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }
}
