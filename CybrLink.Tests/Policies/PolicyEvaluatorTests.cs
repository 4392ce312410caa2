using System.Text.Json;
using CybrLink.Core.Policies;

namespace CybrLink.Tests.Policies;

public sealed class PolicyEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid AgentId = Guid.NewGuid();

    private static AgentPolicy Policy(params string[] rules)
    {
        using var document = JsonDocument.Parse($$"""{"rules":[{{string.Join(",", rules)}}]}""");
        var result = new PolicyValidator().Validate(document.RootElement);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return new AgentPolicy(AgentId, Guid.NewGuid(), 1, Now, result.Rules);
    }

    private static PolicyRequest Action(string action, string? input = "{}", string user = "u1", string? org = null, string integration = "github") =>
        new(AgentId, user, org, integration, Action: action, Input: input is null ? null : JsonDocument.Parse(input).RootElement);

    private static PolicyRequest Proxy(string method, string path, string user = "u1", string integration = "github") =>
        new(AgentId, user, null, integration, Method: method, Path: AgentPaths.Normalize(path).Path);

    private static PolicyRequest Listing(string user = "u1", string integration = "github") => new(AgentId, user, null, integration);

    private static PolicyDecision Decide(AgentPolicy policy, PolicyRequest request) => PolicyEvaluator.Evaluate(policy, request, Now);

    [Fact]
    public void An_empty_policy_denies_with_no_matching_rule()
    {
        var decision = Decide(AgentPolicy.Empty(AgentId), Action("list_repositories"));

        Assert.Equal(new PolicyDecision(false, null, PolicyDecision.NoMatchingRule), decision);
    }

    [Fact]
    public void A_listed_action_is_allowed_with_the_rules_rate_and_connection_flag_and_others_are_not()
    {
        var policy = Policy("""{"id":"read","integration":"github","end_users":"*","actions":["list_repositories"],"rate":{"per_minute":5},"may_request_connection":true}""");

        var allowed = Decide(policy, Action("list_repositories"));
        var other = Decide(policy, Action("delete_repository"));
        var otherIntegration = Decide(policy, Action("list_repositories", integration: "gitlab"));

        Assert.Equal(new PolicyDecision(true, "read", "allowed by rule read", new PolicyRate(5, null), true), allowed);
        Assert.Equal(PolicyDecision.NoMatchingRule, other.Reason);
        Assert.False(other.Allowed);
        Assert.False(otherIntegration.Allowed);
    }

    [Fact]
    public void A_matching_deny_wins_over_an_earlier_allow()
    {
        var policy = Policy(
            """{"id":"all","integration":"*","end_users":"*","actions":["*"]}""",
            """{"id":"no-delete","effect":"deny","integration":"github","end_users":"*","actions":["delete_repository"]}""");

        Assert.Equal(new PolicyDecision(false, "no-delete", "denied by rule no-delete"), Decide(policy, Action("delete_repository")));
        Assert.Equal("all", Decide(policy, Action("list_repositories")).RuleId);
        Assert.True(Decide(policy, Action("delete_repository", integration: "gitlab")).Allowed);
    }

    [Fact]
    public void The_first_matching_allow_decides()
    {
        var policy = Policy(
            """{"id":"slow","integration":"github","end_users":"*","actions":["*"],"rate":{"per_minute":1}}""",
            """{"id":"fast","integration":"github","end_users":"*","actions":["list_repositories"],"rate":{"per_minute":100}}""");

        var decision = Decide(policy, Action("list_repositories"));

        Assert.Equal("slow", decision.RuleId);
        Assert.Equal(1, decision.Rate!.PerMinute);
    }

    [Fact]
    public void Expired_rules_never_match_allow_or_deny()
    {
        var policy = Policy(
            """{"id":"old-deny","effect":"deny","integration":"github","end_users":"*","expires_at":"2030-01-01T12:00:00Z"}""",
            """{"id":"old","integration":"github","end_users":"*","actions":["*"],"expires_at":"2030-01-01T11:59:59Z"}""",
            """{"id":"live","integration":"github","end_users":"*","actions":["list_repositories"],"expires_at":"2030-01-01T12:00:01Z"}""");

        Assert.Equal("live", Decide(policy, Action("list_repositories")).RuleId);
        Assert.Equal(PolicyDecision.NoMatchingRule, Decide(policy, Action("delete_repository")).Reason);
    }

    [Theory]
    [InlineData("u1", null, true)]
    [InlineData("u2", null, true)]
    [InlineData("u3", null, false)]
    [InlineData("U1", null, false)]
    [InlineData("u9", "org-1", true)]
    [InlineData("u9", "org-2", false)]
    [InlineData("u9", "ORG-1", false)]
    public void End_users_are_matched_by_id_or_organization(string user, string? org, bool allowed)
    {
        var policy = Policy(
            """{"id":"ids","integration":"github","end_users":{"ids":["u1","u2"]},"actions":["*"]}""",
            """{"id":"org","integration":"github","end_users":{"organization":"org-1"},"actions":["*"]}""");

        Assert.Equal(allowed, Decide(policy, Action("x", user: user, org: org)).Allowed);
    }

    [Fact]
    public void A_full_deny_takes_everything_on_its_integration_for_its_end_users_only()
    {
        var policy = Policy(
            """{"id":"all","integration":"*","end_users":"*","actions":["*"],"proxy":[{"methods":["GET"],"paths":["/**"]}]}""",
            """{"id":"blocked","effect":"deny","integration":"github","end_users":{"ids":["mallory"]}}""");

        Assert.Equal("blocked", Decide(policy, Action("x", user: "mallory")).RuleId);
        Assert.Equal("blocked", Decide(policy, Proxy("GET", "/user", user: "mallory")).RuleId);
        Assert.False(Decide(policy, Listing(user: "mallory")).Allowed);
        Assert.True(Decide(policy, Listing(user: "alice")).Allowed);
        Assert.True(Decide(policy, Action("x", user: "mallory", integration: "slack")).Allowed);
    }

    [Theory]
    [InlineData("GET", "/repos/acme/app", true)]
    [InlineData("get", "/repos/acme/app", false)]
    [InlineData("GET", "/repos/acme/app/issues/7", true)]
    [InlineData("POST", "/repos/acme/app/issues", true)]
    [InlineData("POST", "/repos/acme/app/issues/7", false)]
    [InlineData("DELETE", "/repos/acme/app", false)]
    [InlineData("GET", "/repos/other/app", false)]
    [InlineData("GET", "/user", true)]
    [InlineData("GET", "/user/repos", false)]
    [InlineData("GET", "/repos/acme/%61pp", true)]
    public void Proxy_grants_match_method_and_path(string method, string path, bool allowed)
    {
        var policy = Policy(
            """{"id":"read","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/repos/acme/**","/user"]}]}""",
            """{"id":"issues","integration":"github","end_users":"*","proxy":[{"methods":["POST"],"paths":["/repos/*/*/issues"]}]}""");

        Assert.Equal(allowed, Decide(policy, Proxy(method, path)).Allowed);
    }

    [Fact]
    public void An_action_rule_grants_no_proxy_call_and_a_proxy_rule_no_action()
    {
        var policy = Policy(
            """{"id":"actions","integration":"github","end_users":"*","actions":["*"]}""",
            """{"id":"proxy","integration":"slack","end_users":"*","proxy":[{"methods":["GET"],"paths":["/**"]}]}""");

        Assert.False(Decide(policy, Proxy("GET", "/user")).Allowed);
        Assert.False(Decide(policy, Action("post_message", integration: "slack")).Allowed);
    }

    [Fact]
    public void A_deny_on_actions_leaves_proxy_grants_alone()
    {
        var policy = Policy(
            """{"id":"proxy","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/**"]}]}""",
            """{"id":"no-actions","effect":"deny","integration":"github","end_users":"*","actions":["*"]}""");

        Assert.True(Decide(policy, Proxy("GET", "/user")).Allowed);
        Assert.Equal("no-actions", Decide(policy, Action("x")).RuleId);
    }

    [Theory]
    [InlineData("equals", "\"acme/app\"", """{"v":"acme/app"}""", true)]
    [InlineData("equals", "\"acme/app\"", """{"v":"acme/other"}""", false)]
    [InlineData("equals", "{\"a\":[1,2]}", """{"v":{"a":[1,2]}}""", true)]
    [InlineData("equals", "{\"a\":[1,2]}", """{"v":{"a":[2,1]}}""", false)]
    [InlineData("equals", "1", """{"v":1.0}""", true)]
    [InlineData("equals", "1", """{"v":"1"}""", false)]
    [InlineData("in", "[\"a\",\"b\"]", """{"v":"b"}""", true)]
    [InlineData("in", "[\"a\",\"b\"]", """{"v":"c"}""", false)]
    [InlineData("prefix", "\"acme/\"", """{"v":"acme/app"}""", true)]
    [InlineData("prefix", "\"acme/\"", """{"v":"acmex/app"}""", false)]
    [InlineData("prefix", "\"1\"", """{"v":12}""", false)]
    [InlineData("glob", "\"*@example.com\"", """{"v":"ada@example.com"}""", true)]
    [InlineData("glob", "\"*@example.com\"", """{"v":"ada@example.com.evil"}""", false)]
    [InlineData("glob", "\"repo-??\"", """{"v":"repo-42"}""", true)]
    [InlineData("glob", "\"repo-??\"", """{"v":"repo-420"}""", false)]
    [InlineData("glob", "\"a*b*c\"", """{"v":"aXXbYYbc"}""", true)]
    [InlineData("max", "100", """{"v":100}""", true)]
    [InlineData("max", "100", """{"v":100.01}""", false)]
    [InlineData("max", "100", """{"v":-5}""", true)]
    [InlineData("max", "100", """{"v":"50"}""", false)]
    [InlineData("max", "100", """{"v":1e400}""", false)]
    [InlineData("max_length", "3", """{"v":"abc"}""", true)]
    [InlineData("max_length", "3", """{"v":"abcd"}""", false)]
    [InlineData("max_length", "2", """{"v":[1,2]}""", true)]
    [InlineData("max_length", "2", """{"v":[1,2,3]}""", false)]
    [InlineData("max_length", "1", """{"v":"😀"}""", true)]
    [InlineData("max_length", "5", """{"v":5}""", false)]
    [InlineData("equals", "null", """{"w":null}""", false)]
    public void Each_op_passes_and_fails_and_a_missing_input_fails(string op, string value, string input, bool allowed)
    {
        var policy = Policy($$"""{"id":"cond","integration":"github","end_users":"*","actions":["act"],"conditions":[{"input":"/v","op":"{{op}}","value":{{value}}}]}""");

        var decision = Decide(policy, Action("act", input));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal("cond", decision.RuleId);
        if (!allowed)
        {
            Assert.StartsWith($"condition failed: /v {op} ", decision.Reason);
        }
    }

    [Fact]
    public void Pointers_walk_nested_objects_arrays_and_escaped_names()
    {
        var policy = Policy("""
            {"id":"cond","integration":"github","end_users":"*","actions":["act"],"conditions":[
              {"input":"/repo/owner","op":"equals","value":"acme"},
              {"input":"/items/1/a~1b","op":"max","value":10},
              {"input":"/t~0x","op":"equals","value":true}]}
            """);

        Assert.True(Decide(policy, Action("act", """{"repo":{"owner":"acme"},"items":[{},{"a/b":3}],"t~x":true}""")).Allowed);
        var failed = Decide(policy, Action("act", """{"repo":{"owner":"acme"},"items":[{"a/b":3}],"t~x":true}"""));
        Assert.Equal("condition failed: /items/1/a~1b max 10", failed.Reason);
    }

    [Fact]
    public void A_failed_condition_lets_a_later_allow_decide_and_is_reported_only_when_none_does()
    {
        var policy = Policy(
            """{"id":"small","integration":"stripe","end_users":"*","actions":["charge"],"conditions":[{"input":"/amount","op":"max","value":100}]}""",
            """{"id":"vip","integration":"stripe","end_users":{"ids":["vip"]},"actions":["charge"]}""");

        Assert.Equal("vip", Decide(policy, Action("charge", """{"amount":5000}""", user: "vip", integration: "stripe")).RuleId);
        var denied = Decide(policy, Action("charge", """{"amount":5000}""", integration: "stripe"));
        Assert.Equal(new PolicyDecision(false, "small", "condition failed: /amount max 100"), denied);
    }

    [Fact]
    public void A_deny_with_conditions_denies_only_when_they_all_hold()
    {
        var policy = Policy(
            """{"id":"mail","integration":"gmail","end_users":"*","actions":["send"]}""",
            """{"id":"no-outside","effect":"deny","integration":"gmail","end_users":"*","actions":["send"],"conditions":[{"input":"/to","op":"glob","value":"*@evil.test"},{"input":"/cc","op":"max_length","value":0}]}""");

        Assert.Equal("no-outside", Decide(policy, Action("send", """{"to":"x@evil.test","cc":[]}""", integration: "gmail")).RuleId);
        Assert.Equal("mail", Decide(policy, Action("send", """{"to":"x@evil.test","cc":["a"]}""", integration: "gmail")).RuleId);
        Assert.Equal("mail", Decide(policy, Action("send", """{"to":"x@good.test","cc":[]}""", integration: "gmail")).RuleId);
        Assert.Equal("mail", Decide(policy, Action("send", """{"cc":[]}""", integration: "gmail")).RuleId);
    }

    [Fact]
    public void Listing_mode_skips_conditions_and_asks_about_the_integration_as_a_whole()
    {
        var policy = Policy(
            """{"id":"small","integration":"stripe","end_users":"*","actions":["charge"],"conditions":[{"input":"/amount","op":"max","value":100}]}""",
            """{"id":"no-refunds","effect":"deny","integration":"stripe","end_users":"*","actions":["refund"],"conditions":[{"input":"/amount","op":"max","value":1000000}]}""",
            """{"id":"refunds","integration":"stripe","end_users":"*","actions":["refund"]}""",
            """{"id":"actions-denied","effect":"deny","integration":"github","end_users":"*","actions":["*"]}""",
            """{"id":"gh-proxy","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/**"]}]}""");

        Assert.Equal("small", Decide(policy, Action("charge", input: null, integration: "stripe")).RuleId);
        Assert.True(Decide(policy, Action("charge", input: null, integration: "stripe")).Allowed);
        Assert.True(Decide(policy, Action("refund", input: null, integration: "stripe")).Allowed);
        Assert.True(Decide(policy, Listing(integration: "stripe")).Allowed);
        // A deny on actions is not a full deny: the proxy grant still covers the integration.
        Assert.Equal("gh-proxy", Decide(policy, Listing(integration: "github")).RuleId);
        Assert.Equal(PolicyDecision.NoMatchingRule, Decide(policy, Listing(integration: "slack")).Reason);
    }

    [Fact]
    public void A_proxy_request_without_a_normalised_path_matches_no_grant()
    {
        var policy = Policy("""{"id":"p","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/**"]}]}""");

        Assert.False(Decide(policy, new PolicyRequest(AgentId, "u1", null, "github", Method: "GET")).Allowed);
    }
}
