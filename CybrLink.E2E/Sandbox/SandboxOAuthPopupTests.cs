using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CybrLink.E2E.Infrastructure;
using CybrLink.Sandbox;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Sandbox;

/// <summary>The sandbox standing alone on its own origin, as a real Nango would.</summary>
public sealed class SandboxOAuthPopupTests(BrowserFixture browser) : SandboxOAuthPopupTestsBase(browser)
{
    private RunningSandbox? _sandbox;

    protected override async Task<(string BaseUrl, string SecretKey)> StartSandboxAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        return (_sandbox.BaseUrl, _sandbox.Options.SecretKey);
    }

    protected override async ValueTask StopSandboxAsync()
    {
        if (_sandbox is not null)
            await _sandbox.DisposeAsync();
    }
}

/// <summary>The sandbox mounted in CybrLink.Web at <c>/sandbox/nango</c>: what <c>dotnet run</c> gives a newcomer.</summary>
public sealed class MountedSandboxOAuthPopupTests(BrowserFixture browser) : SandboxOAuthPopupTestsBase(browser)
{
    private CybrLink.Tests.Infrastructure.CybrLinkAppFactory? _app;

    protected override Task<(string BaseUrl, string SecretKey)> StartSandboxAsync()
    {
        _app = new CybrLink.Tests.Infrastructure.CybrLinkAppFactory(
            new Dictionary<string, string?> { ["Sandbox:Enabled"] = "true" }, useRealServer: true);
        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxOptions>>(_app.Services).Value;
        return Task.FromResult((_app.BaseUrl.TrimEnd('/') + options.BasePath, options.SecretKey));
    }

    protected override async ValueTask StopSandboxAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}

/// <summary>
/// The OAuth popup flow in Chromium, from a page on another origin, against the sandbox: the result must arrive on
/// both channels (WebSocket with the id, opener postMessage without it).
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class SandboxOAuthPopupTestsBase(BrowserFixture browser) : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private ConnectTestPage _testPage = null!;
    private IBrowserContext? _context;
    private string _baseUrl = "";
    private string _secretKey = "";

    protected abstract Task<(string BaseUrl, string SecretKey)> StartSandboxAsync();

    protected abstract ValueTask StopSandboxAsync();

    public async Task InitializeAsync()
    {
        (_baseUrl, _secretKey) = await StartSandboxAsync();
        _testPage = await ConnectTestPage.StartAsync(_baseUrl);
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
            await _context.DisposeAsync();
        _http.Dispose();
        await _testPage.DisposeAsync();
        await StopSandboxAsync();
    }

    [Fact]
    public async Task Approving_in_the_popup_reports_success_on_both_channels()
    {
        var (page, popup) = await OpenConsentPopupAsync();
        await Expect(popup.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Sandbox Mail" })).ToBeVisibleAsync();
        await popup.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var wsResult = page.GetByRole(AriaRole.Status, new() { Name = "WebSocket result" });
        await Expect(wsResult).ToHaveTextAsync(new Regex(@"^success\|[0-9a-f-]{36}\|$"));
        await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Opener result" })).ToHaveTextAsync("nango_oauth_callback_success|");

        var connectionId = (await wsResult.TextContentAsync())!.Split('|')[1];
        var connections = await ListConnectionsAsync($"?connectionId={connectionId}");
        Assert.Single(connections);
        Assert.Equal("e2e-user", connections[0]!["end_user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Denying_in_the_popup_reports_the_error_on_both_channels()
    {
        var (page, popup) = await OpenConsentPopupAsync();
        await popup.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status, new() { Name = "WebSocket result" }))
            .ToHaveTextAsync(new Regex(@"^error\|[0-9a-f-]{36}\|callback_err$"));
        await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Opener result" }))
            .ToHaveTextAsync("nango_oauth_callback_error|connection_validation_failed");
        Assert.Empty(await ListConnectionsAsync(""));
    }

    private async Task<(IPage Page, IPage Popup)> OpenConsentPopupAsync()
    {
        var token = await CreateSessionAsync();
        _context = await browser.NewContextAsync();
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"{_testPage.Url}?token={token}");

        var connect = page.GetByRole(AriaRole.Button, new() { Name = "Connect Sandbox Mail" });
        await Expect(connect).ToBeEnabledAsync();
        var popup = await page.RunAndWaitForPopupAsync(() => connect.ClickAsync());
        return (page, popup);
    }

    private async Task<string> CreateSessionAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}/connect/sessions")
        {
            Content = JsonContent.Create(new { end_user = new { id = "e2e-user" }, allowed_integrations = new[] { "sandbox-mail" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secretKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        return body!["data"]!["token"]!.GetValue<string>();
    }

    private async Task<JsonArray> ListConnectionsAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_baseUrl}/connections{query}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secretKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["connections"]!.AsArray();
    }
}
