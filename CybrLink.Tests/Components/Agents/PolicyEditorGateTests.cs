using System.Security.Claims;
using Bunit;
using CybrLink.Core.Audit;
using CybrLink.Core.Operators;
using CybrLink.Core.Policies;
using CybrLink.Web.Console.Agents;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Components.Agents;

/// <summary>The policy editor's save when the page no longer tells the truth about the operator's role.</summary>
public sealed class PolicyEditorGateTests : AgentsConsoleTest
{
    private const string ReadMail = """[{ "id": "read-mail", "integration": "sandbox-mail", "end_users": "*", "actions": ["list_messages"] }]""";

    private readonly SwitchableOperator _operator = new() { User = Operator("admin@example.com", OperatorRoles.Admin) };

    public PolicyEditorGateTests()
    {
        // The page draws what an Admin sees (bUnit's authorization says Admin); the gate asks this provider.
        SignInAsAdmin();
        Services.AddSingleton<AuthenticationStateProvider>(_operator);
    }

    [Fact]
    public async Task A_viewer_whose_role_changed_after_the_page_rendered_is_refused_audited_and_nothing_is_saved()
    {
        var agent = await CreateAgentAsync();
        await SetPolicyAsync(agent.Id, ReadMail);
        var cut = RenderWithProviders<PolicyTab>(("AgentId", agent.Id));
        cut.WaitForAssertion(() => cut.Find("#rule-0-actions"));
        cut.Find("#rule-0-actions").Change("get_message");

        // Demoted while the page is open: the page still shows what it drew for an Admin (a stale tab, or a crafted
        // circuit message), and the gate reads the role again.
        _operator.User = Operator("admin@example.com", OperatorRoles.Viewer);
        Button(cut, "Save as version 2").Click();

        await using var db = await OpenDatabaseAsync();
        var denied = await db.AuditEvents.SingleAsync(e => e.Action == AuditActions.OperatorDenied);
        Assert.Equal(("operator", "admin@example.com", "attempted policy.update"), (denied.ActorType, denied.ActorId, denied.Detail));
        Assert.Equal(("agent", agent.Id.ToString()), (denied.TargetType, denied.TargetId));
        Assert.Empty(cut.FindAll(".mud-dialog"));
        Assert.Equal(1, (await Get<PolicyStore>().LoadAsync(agent.Id)).Version);
    }

    private static ClaimsPrincipal Operator(string email, string role) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, email), new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Role, role)], "test"));

    /// <summary>The signed-in operator, changed without telling the page (as a role changed in the database would be).</summary>
    private sealed class SwitchableOperator : AuthenticationStateProvider
    {
        public required ClaimsPrincipal User { get; set; }

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(User));
    }

}
