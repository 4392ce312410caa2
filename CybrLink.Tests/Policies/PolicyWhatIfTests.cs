using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Policies;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Policies;

/// <summary>The what-if of a policy edit, replayed over recorded calls in the host's database (SQLite; PostgreSQL in OnPostgres.cs).</summary>
public class PolicyWhatIfTests : IAsyncLifetime
{
    private static readonly Guid Agent = Guid.CreateVersion7();
    private readonly CybrLinkAppFactory _app;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public PolicyWhatIfTests() => _app = new CybrLinkAppFactory(provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private PolicyWhatIf WhatIf => _app.Services.GetRequiredService<PolicyWhatIf>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Counts_the_calls_a_draft_would_decide_the_other_way_and_leaves_out_what_the_policy_did_not_decide()
    {
        await AddCallsAsync(3, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"));
        await AddCallsAsync(2, Action("u1", "list_messages", "allowed", "mail-read"));
        await AddCallsAsync(1, Proxy("u1", "DELETE", "/messages/1", "denied", null, PolicyDecision.NoMatchingRule));
        await AddCallsAsync(4, Action("u2", "send_message", "denied", null, PolicyDecision.NoMatchingRule));
        await AddCallsAsync(1, Proxy("u1", "GET", "/messages/2", "refused", "mail-proxy", "connection_revoked"));
        await AddCallsAsync(1, Proxy("u3", "GET", "/messages/3", "denied", null, "credential_scope"));
        await AddCallsAsync(1, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"), at: _now.AddDays(-8));
        await AddCallsAsync(1, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"), agent: Guid.CreateVersion7());

        // The edit: proxy reads are no longer allowed, sending is.
        var report = await WhatIf.EvaluateAsync(Agent, Rules("""
            [
              { "id": "mail-read", "integration": "sandbox-mail", "end_users": "*", "actions": ["list_messages", "send_message"] },
              { "id": "no-reads", "effect": "deny", "integration": "sandbox-mail", "end_users": "*",
                "proxy": [{ "methods": ["GET"], "paths": ["/messages/**"] }] }
            ]
            """));

        Assert.Equal(12, report.Calls);
        Assert.Equal(7, report.Changed);
        Assert.Equal(3, report.Unchanged);
        Assert.Equal(0, report.CannotTell);
        Assert.Equal(2, report.NotReplayed);
        var reads = Assert.Single(report.ChangedCalls, c => c.Method == "GET");
        Assert.Equal((3, "/messages/1", "allowed", "denied", "no-reads"), (reads.Calls, reads.Path, reads.OldDecision, reads.NewDecision, reads.NewRuleId));
        var sends = Assert.Single(report.ChangedCalls, c => c.Action == "send_message");
        Assert.Equal((4, "u2", "denied", "allowed", "mail-read"), (sends.Calls, sends.EndUserId, sends.OldDecision, sends.NewDecision, sends.NewRuleId));
        Assert.Equal(2, report.ChangedCalls.Count);
    }

    [Fact]
    public async Task Action_calls_whose_new_decision_depends_on_their_input_are_counted_as_cannot_tell()
    {
        await AddCallsAsync(5, Action("u1", "list_messages", "allowed", "mail-read"));
        await AddCallsAsync(2, Action("u1", "send_message", "allowed", "mail-send"));
        await AddCallsAsync(3, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"));

        var report = await WhatIf.EvaluateAsync(Agent, Rules("""
            [
              { "id": "inbox-only", "integration": "sandbox-mail", "end_users": "*", "actions": ["list_messages"],
                "conditions": [{ "input": "/folder", "op": "equals", "value": "inbox" }] },
              { "id": "mail-send", "integration": "sandbox-mail", "end_users": "*", "actions": ["send_message"] },
              { "id": "no-external", "effect": "deny", "integration": "sandbox-mail", "end_users": "*", "actions": ["send_message"],
                "conditions": [{ "input": "/to", "op": "glob", "value": "*@elsewhere.example" }] },
              { "id": "mail-proxy", "integration": "sandbox-mail", "end_users": "*",
                "proxy": [{ "methods": ["GET"], "paths": ["/messages/**"] }] }
            ]
            """));

        // Whether a list was of the inbox, or a mail went outside, is in inputs CybrLink never stored.
        Assert.Equal(7, report.CannotTell);
        Assert.Equal(3, report.Unchanged);
        Assert.Equal(0, report.Changed);
        Assert.Equal(["list_messages", "send_message"], report.UncertainCalls.Select(c => c.Action!).Order());
    }

    [Fact]
    public async Task A_condition_that_cannot_matter_leaves_the_decision_known()
    {
        await AddCallsAsync(2, Action("u1", "send_message", "allowed", "mail-send"));

        // An unconditional deny decides whatever the input; so does an unconditional allow with no conditional deny.
        var report = await WhatIf.EvaluateAsync(Agent, Rules("""
            [
              { "id": "small-only", "integration": "sandbox-mail", "end_users": "*", "actions": ["send_message"],
                "conditions": [{ "input": "/body", "op": "max_length", "value": 100 }] },
              { "id": "no-send", "effect": "deny", "integration": "sandbox-mail", "end_users": "*", "actions": ["send_message"] }
            ]
            """));

        Assert.Equal((2, 0), (report.Changed, report.CannotTell));
        Assert.Equal("no-send", Assert.Single(report.ChangedCalls).NewRuleId);
    }

    [Fact]
    public async Task Calls_are_evaluated_once_per_kind_and_counted_with_the_size_of_their_group()
    {
        var latest = _now.AddMinutes(-5);
        await AddCallsAsync(400, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"), at: _now.AddHours(-30));
        await AddCallsAsync(1, Proxy("u1", "GET", "/messages/1", "allowed", "mail-proxy"), at: latest);
        // An action's recorded path comes from its input: calls with different paths are still one kind.
        for (var i = 0; i < 20; i++)
        {
            await AddCallsAsync(1, Row("u1", "list_messages", "GET", $"/v1/messages/{i}", "allowed", "mail-read", null));
        }

        var report = await WhatIf.EvaluateAsync(Agent, []);

        Assert.Equal((421, 421), (report.Calls, report.Changed));
        Assert.Equal(2, report.ChangedCalls.Count);
        var reads = report.ChangedCalls[0];
        Assert.Equal(401, reads.Calls);
        Assert.Equal(latest.ToUnixTimeMilliseconds(), reads.LastAt.ToUnixTimeMilliseconds());
        Assert.Null(reads.NewRuleId);
        var lists = report.ChangedCalls[1];
        Assert.Equal((20, "list_messages", null, null), (lists.Calls, lists.Action, lists.Method, lists.Path));
    }

    [Fact]
    public async Task An_end_users_organization_is_read_as_real_calls_read_it()
    {
        await using (var db = await OpenAsync())
        {
            db.EndUsers.Add(new EndUser { Id = "alice", OrganizationId = "acme", CreatedAt = _now, UpdatedAt = _now });
            await db.SaveChangesAsync();
        }

        await AddCallsAsync(2, Action("alice", "list_messages", "denied", null, PolicyDecision.NoMatchingRule));
        await AddCallsAsync(3, Action("bob", "list_messages", "denied", null, PolicyDecision.NoMatchingRule));

        var report = await WhatIf.EvaluateAsync(Agent, Rules("""
            [{ "id": "acme", "integration": "sandbox-mail", "end_users": { "organization": "acme" }, "actions": ["*"] }]
            """));

        Assert.Equal((2, 3), (report.Changed, report.Unchanged));
        Assert.Equal("alice", Assert.Single(report.ChangedCalls).EndUserId);
    }

    private static IReadOnlyList<PolicyRule> Rules(string rulesJson)
    {
        using var body = JsonDocument.Parse($$"""{ "rules": {{rulesJson}} }""");
        var result = new PolicyValidator().Validate(body.RootElement);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return result.Rules;
    }

    private static AgentCall Proxy(string endUser, string method, string path, string decision, string? ruleId, string? reason = null) =>
        Row(endUser, null, method, path, decision, ruleId, reason);

    private static AgentCall Action(string endUser, string action, string decision, string? ruleId, string? reason = null) =>
        Row(endUser, action, "GET", "/v1/messages", decision, ruleId, reason);

    private static AgentCall Row(
        string endUser, string? action, string? method, string? path, string decision, string? ruleId, string? reason) => new()
    {
        CredentialKind = "key",
        CredentialPrefix = "cbl_agent_AbCdEfGh",
        EndUserId = endUser,
        Integration = "sandbox-mail",
        Action = action,
        Method = method,
        Path = path,
        Decision = decision,
        RuleId = ruleId,
        Reason = reason,
        Status = decision == "allowed" ? 200 : 403,
        RequestId = "req-" + Guid.NewGuid().ToString("N")[..8],
    };

    private async Task AddCallsAsync(int count, AgentCall template, DateTimeOffset? at = null, Guid? agent = null)
    {
        await using var db = await OpenAsync();
        var when = at ?? _now.AddHours(-1);
        for (var i = 0; i < count; i++)
        {
            db.AgentCalls.Add(Copy(template, Guid.CreateVersion7(when), when, agent ?? Agent));
        }

        await db.SaveChangesAsync();
    }

    private static AgentCall Copy(AgentCall t, Guid id, DateTimeOffset at, Guid agent) => new()
    {
        Id = id, At = at, AgentId = agent, CredentialKind = t.CredentialKind, CredentialPrefix = t.CredentialPrefix, EndUserId = t.EndUserId,
        Integration = t.Integration, Action = t.Action, Method = t.Method, Path = t.Path, Decision = t.Decision, RuleId = t.RuleId,
        Reason = t.Reason, Status = t.Status, RequestId = t.RequestId + "-" + Guid.NewGuid().ToString("N")[..6],
    };

    private Task<CybrLinkDbContext> OpenAsync() =>
        _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
}
