using System.Net;
using System.Net.Http.Json;
using CybrLink.Core.Operators;
using CybrLink.E2E.Infrastructure;
using CybrLink.E2E.Pages;
using CybrLink.Tests.AgentAccess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Console;

/// <summary>
/// Acceptance (issue 12 §4): an Admin edits a busy agent's policy in the console, sees how many of its recorded calls the
/// edit would change, saves, and the agent's very next call follows the new rule. Every agents page passes axe in light
/// and dark.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PolicyEditorTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminEmail = "admin@example.com";
    private const string Password = "a long operator passphrase";

    private readonly AgentWorld _world = new();
    private Guid _agent;
    private Guid _connection;
    private string _key = "";

    public async Task InitializeAsync()
    {
        await _world.InitializeAsync();
        await using (var scope = _world.App.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(AdminEmail, Password, OperatorRoles.Admin)).Succeeded);
        }

        await _world.RefreshCatalogAsync();
        _agent = await _world.CreateAgentAsync("mail-assistant");
        await _world.SetPolicyAsync(_agent, new object[]
        {
            new
            {
                id = "mail-proxy", integration = "sandbox-mail", end_users = "*",
                proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/**" } } },
            },
            new { id = "mail-read", integration = "sandbox-mail", end_users = "*", actions = new[] { "list_messages" } },
        });
        _key = (await _world.CreateKeyAsync(_agent)).Key;
        _connection = await _world.AddConnectionAsync("u1");
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task An_admin_sees_the_what_if_saves_and_the_agents_next_call_follows_the_new_rule()
    {
        // The agent's week: three raw reads of the inbox and one typed action, all allowed.
        using var agentApi = _world.AgentClient(_key);
        for (var i = 0; i < 3; i++)
        {
            using var read = await agentApi.GetAsync($"/api/v1/agent/proxy/{_connection}/messages/inbox");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var list = await agentApi.PostAsJsonAsync("/api/v1/agent/actions/sandbox-mail/list_messages", new { end_user_id = "u1", input = new { } }))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = ColorScheme.Light });
        var page = await context.NewPageAsync();
        await OpenPolicyTabAsync(page);

        // The edit: raw reads only of sent mail from now on.
        await page.GetByLabel("Paths of grant 1 (one per line)").FillAsync("/messages/sent");
        await page.GetByLabel("Paths of grant 1 (one per line)").BlurAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview impact" }).ClickAsync();
        await Expect(page.GetByTestId("what-if-summary")).ToHaveTextAsync("3 of the last 7 days' 4 calls would change decision.");
        var changed = page.GetByLabel("Calls that would change decision");
        await Expect(changed).ToContainTextAsync("GET /messages/inbox");
        await Expect(changed).ToContainTextAsync("mail-proxy → none");
        await Screenshots.SaveAsync(page, "policy-editor-light");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save as version 2" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("3 of the last 7 days' 4 calls would change decision.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText("Version 2 in force")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // The very next call follows version 2: the inbox read is refused by the policy, the typed action still works.
        using (var read = await agentApi.GetAsync($"/api/v1/agent/proxy/{_connection}/messages/inbox"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }

        using (var sent = await agentApi.GetAsync($"/api/v1/agent/proxy/{_connection}/messages/sent"))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        // The versions tab shows what changed, with +/- marks.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
        var diff = page.GetByTestId("policy-diff");
        await Expect(diff).ToContainTextAsync("+         \"/messages/sent\"");
        await Expect(diff).ToContainTextAsync("-         \"/messages/**\"");
    }

    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task The_agents_pages_and_every_tab_pass_axe(ColorScheme scheme, string name)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = "en-US", ColorScheme = scheme });
        var page = await context.NewPageAsync();
        var console = new ConsolePages(page, _world.App.BaseUrl);
        await console.SignInAsync(AdminEmail, Password);
        await console.ExpectConsoleAsync();

        await console.NavigateAsync("Agents", "Agents");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create agent" })).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "mail-assistant" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"/agents ({name})");

        await page.GetByRole(AriaRole.Link, new() { Name = "mail-assistant" }).ClickAsync();
        await Expect(console.Heading("mail-assistant")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"credentials tab ({name})");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Policy" }).ClickAsync();
        await Expect(page.GetByLabel("Rules in force")).ToContainTextAsync("mail-proxy");
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"policy tab ({name})");
        if (scheme == ColorScheme.Dark)
        {
            await Screenshots.SaveAsync(page, "policy-editor-dark");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "JSON" }).ClickAsync();
        await Expect(page.GetByLabel("Policy JSON")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"policy tab, JSON ({name})");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
        await Expect(page.GetByTestId("policy-diff")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"versions tab ({name})");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Dry run" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" })).ToBeEnabledAsync();
        await page.GetByLabel("End user id").FillAsync("u1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();
        await Expect(page.GetByTestId("dry-run-problem")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"dry run tab ({name})");
    }

    private async Task OpenPolicyTabAsync(IPage page)
    {
        var console = new ConsolePages(page, _world.App.BaseUrl);
        await console.SignInAsync(AdminEmail, Password);
        await console.ExpectConsoleAsync();
        await page.GotoAsync($"{_world.App.BaseUrl}/agents/{_agent}");
        await Expect(console.Heading("mail-assistant")).ToBeVisibleAsync();
        // Interactive (its circuit is up) before a tab is clicked or anything typed: prerendered HTML drops both.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToBeEnabledAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Policy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Preview impact" })).ToBeEnabledAsync();
    }
}
