using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Audit;
using CybrLink.Core.Policies;
using CybrLink.Web.Console.Agents;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Tests.Components.Agents;

public sealed class PolicyEditorTests : AgentsConsoleTest
{
    private const string ReadMail = """[{ "id": "read-mail", "integration": "sandbox-mail", "end_users": "*", "actions": ["list_messages"] }]""";

    [Fact]
    public async Task An_edit_in_the_form_shows_in_the_json_and_an_edit_in_the_json_shows_in_the_form()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        SignInAsAdmin();
        var cut = Tab(agent.Id);
        cut.WaitForAssertion(() => Assert.Equal("read-mail", cut.Find("#rule-0-id").GetAttribute("value")));

        cut.Find("#rule-0-id").Change("read-inbox");
        cut.Find("#rule-0-actions").Change("list_messages, get_message");
        Button(cut, "JSON").Click();

        var json = cut.Find("#policy-json").GetAttribute("value") ?? cut.Find("#policy-json").TextContent;
        Assert.Contains("\"id\": \"read-inbox\"", json);
        Assert.Contains("\"get_message\"", json);

        SetJson(cut, json.Replace("read-inbox", "read-everything").Replace("\"get_message\"", "\"*\""));
        Button(cut, "Form").Click();

        cut.WaitForAssertion(() => Assert.Equal("read-everything", cut.Find("#rule-0-id").GetAttribute("value")));
        Assert.Equal("list_messages, *", cut.Find("#rule-0-actions").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=rule-0-errors]"));
    }

    [Fact]
    public async Task Invalid_json_and_invalid_rules_are_named_by_their_path_next_to_what_is_wrong()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        SignInAsAdmin();
        var cut = Tab(agent.Id);
        cut.WaitForAssertion(() => cut.Find("#rule-0-id"));

        // Form: the error sits with its rule, under the path the API would name.
        cut.Find("#rule-0-id").Change("Read Mail!");
        cut.WaitForAssertion(() => Assert.Contains("rules[0].id", cut.Find("[data-testid=rule-0-errors]").TextContent));
        Assert.True(HasDisabledButton(cut, "Save as version 2"));

        // JSON: a syntax error, then a rule error deep inside a grant.
        Button(cut, "JSON").Click();
        SetJson(cut, "{ \"rules\": [ { \"id\": ");
        cut.WaitForAssertion(() => Assert.Contains("Not valid JSON at line 1", cut.Find("[data-testid=json-errors]").TextContent));

        SetJson(cut, """
            { "rules": [ { "id": "proxy-read", "integration": "sandbox-mail", "end_users": "*",
              "proxy": [ { "methods": ["GET", "FETCH"], "paths": ["/messages/**"] } ] } ] }
            """);
        cut.WaitForAssertion(() => Assert.Contains("rules[0].proxy[0].methods[1]", cut.Find("[data-testid=json-errors]").TextContent));

        // The form cannot show a method it has no box for: it says so, by path, and the JSON stays.
        Button(cut, "Form").Click();
        cut.WaitForAssertion(() => Assert.Contains("rules[0].proxy[0].methods[1]", cut.Find("[data-testid=mode-problem]").TextContent));

        // An error the form can show sits next to its rule.
        SetJson(cut, """
            { "rules": [ { "id": "proxy-read", "integration": "sandbox-mail", "end_users": "*",
              "proxy": [ { "methods": ["GET"], "paths": ["messages"] } ] } ] }
            """);
        Button(cut, "Form").Click();
        cut.WaitForAssertion(() => Assert.Contains("rules[0].proxy[0].paths[0]", cut.Find("[data-testid=rule-0-errors]").TextContent));
    }

    [Fact]
    public async Task Json_the_form_cannot_show_stays_in_json_mode_with_the_reason()
    {
        var agent = await CreateAgentAsync();
        SignInAsAdmin();
        var cut = Tab(agent.Id);
        cut.WaitForAssertion(() => Button(cut, "JSON"));
        Button(cut, "JSON").Click();

        SetJson(cut, """{ "rules": [ { "id": "r", "colour": "red" } ] }""");
        Button(cut, "Form").Click();

        cut.WaitForAssertion(() => Assert.Contains("rules[0].colour", cut.Find("[data-testid=mode-problem]").TextContent));
        Assert.NotEmpty(cut.FindAll("#policy-json"));
    }

    [Fact]
    public async Task Saving_shows_the_what_if_then_creates_a_version_the_agent_is_held_to()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        await AddCallsAsync(agent.Id, 3, "list_messages");
        SignInAsAdmin();
        var cut = Tab(agent.Id);
        cut.WaitForAssertion(() => cut.Find("#rule-0-actions"));

        cut.Find("#rule-0-actions").Change("get_message");
        Button(cut, "Preview impact").Click();
        cut.WaitForAssertion(() => Assert.Equal("3 of the last 7 days' 3 calls would change decision.",
            cut.Find("[data-testid=what-if-summary]").TextContent.Trim()));
        Assert.Contains("list_messages", cut.Find("[aria-label='Calls that would change decision']").TextContent);

        Button(cut, "Save as version 2").Click();
        cut.WaitForAssertion(() => Assert.Contains("3 of the last 7 days' 3 calls would change decision.", cut.Find(".mud-dialog").TextContent));
        DialogButton(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.Contains("Version 2 in force", cut.Markup));
        var policy = await Get<PolicyStore>().LoadAsync(agent.Id);
        Assert.Equal(2, policy.Version);
        Assert.Equal(["get_message"], Assert.Single(policy.Rules).Actions);
        await using var db = await OpenDatabaseAsync();
        var saved = await db.AgentPolicyVersions.SingleAsync(v => v.AgentId == agent.Id && v.Version == 2);
        Assert.Equal("operator:admin@example.com", saved.CreatedBy);
    }

    [Fact]
    public async Task Cancelling_the_save_dialog_saves_nothing()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        SignInAsAdmin();
        var cut = Tab(agent.Id);
        cut.WaitForAssertion(() => cut.Find("#rule-0-actions"));
        cut.Find("#rule-0-actions").Change("get_message");

        Button(cut, "Save as version 2").Click();
        cut.WaitForAssertion(() => cut.Find(".mud-dialog"));
        DialogButton(cut, "Cancel").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".mud-dialog")));
        Assert.Equal(1, (await Get<PolicyStore>().LoadAsync(agent.Id)).Version);
    }

    [Fact]
    public async Task The_versions_tab_diffs_two_versions_with_plus_and_minus_lines()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        await SetPolicyAsync(agent.Id, """[{ "id": "read-mail", "integration": "sandbox-mail", "end_users": "*", "actions": ["get_message"] }]""");
        SignInAsViewer();

        var cut = RenderWithProviders<VersionsTab>(("AgentId", agent.Id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[aria-label='Policy versions'] tbody tr").Count));
        var lines = cut.FindAll("[data-testid=policy-diff] span");
        var added = Assert.Single(lines, l => l.GetAttribute("data-mark") == "+");
        var removed = Assert.Single(lines, l => l.GetAttribute("data-mark") == "-");
        Assert.StartsWith("+ ", added.TextContent);
        Assert.Contains("\"get_message\"", added.TextContent);
        Assert.Contains("mud-success-text", added.ClassName);
        Assert.StartsWith("- ", removed.TextContent);
        Assert.Contains("\"list_messages\"", removed.TextContent);
        Assert.Contains("mud-error-text", removed.ClassName);
        Assert.All(lines.Where(l => l.GetAttribute("data-mark") == " "), l => Assert.StartsWith("  ", l.TextContent));
        Assert.Contains("Version 1 → 2: 1 lines added (+), 1 removed", cut.Find("[data-testid=diff-summary]").TextContent);
    }

    /// <summary>Changes the JSON editor's text (the tab is rendered without the typing pause: see <see cref="Tab"/>).</summary>
    private static void SetJson(Bunit.IRenderedComponent<Bunit.Rendering.ContainerFragment> cut, string json)
    {
        cut.Find("#policy-json").Change(json);
    }

    private static bool HasDisabledButton(Bunit.IRenderedComponent<Bunit.Rendering.ContainerFragment> cut, string text) =>
        Button(cut, text).HasAttribute("disabled");

    // Without the pause the editor waits for while someone types: each change is validated when it is made.
    private Bunit.IRenderedComponent<Bunit.Rendering.ContainerFragment> Tab(Guid agentId) =>
        RenderWithProviders<PolicyTab>(("AgentId", agentId), ("JsonDebounceMilliseconds", 0));

    private async Task AddCallsAsync(Guid agentId, int count, string action)
    {
        await using var db = await OpenDatabaseAsync();
        var at = Clock.GetUtcNow().AddHours(-2);
        for (var i = 0; i < count; i++)
        {
            db.AgentCalls.Add(new AgentCall
            {
                Id = Guid.CreateVersion7(at), At = at, AgentId = agentId, CredentialKind = "key", CredentialPrefix = "cbl_agent_AbCdEfGh",
                EndUserId = "u1", Integration = "sandbox-mail", Action = action, Method = "GET", Path = "/v1/messages",
                Decision = AgentCallDraft.Allowed, RuleId = "read-mail", Status = 200, RequestId = $"req-{i}",
            });
        }

        await db.SaveChangesAsync();
    }
}
