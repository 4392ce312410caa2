using System.Text.Json;
using CybrLink.Core.Policies;

namespace CybrLink.Tests.Policies;

public sealed class PolicyValidatorTests
{
    private const string Good = """{"id":"r1","integration":"github","end_users":"*","actions":["list_repositories"]}""";

    private static PolicyValidationResult Validate(string json, ActionKeyExists? actions = null)
    {
        using var document = JsonDocument.Parse(json);
        return new PolicyValidator(actions).Validate(document.RootElement);
    }

    private static string Rules(params string[] rules) => $$"""{"rules":[{{string.Join(",", rules)}}]}""";

    [Fact]
    public void A_full_rule_is_read_with_every_part()
    {
        var result = Validate(Rules("""
            {"id":"github.read-1","description":"Read repos","effect":"allow","integration":"github",
             "end_users":{"ids":["u1","u2"]},"actions":["*"],"rate":{"per_minute":10,"per_day":1000},
             "may_request_connection":true,"expires_at":"2030-01-01T01:00:00+01:00"}
            """, """
            {"id":"proxy","integration":"*","end_users":{"organization":"org-1"},
             "proxy":[{"methods":["get","Post"],"paths":["/repos/acme/**","/user"]}]}
            """, """
            {"id":"no-big-payments","effect":"deny","integration":"stripe","end_users":"*","actions":["create_charge"],
             "conditions":[{"input":"/amount","op":"max","value":100}]}
            """));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        Assert.Equal(["github.read-1", "proxy", "no-big-payments"], result.Rules.Select(r => r.Id));
        var first = result.Rules[0];
        Assert.Equal(new PolicyRate(10, 1000), first.Rate);
        Assert.True(first.MayRequestConnection);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), first.ExpiresAt);
        Assert.True(first.EndUsers.Includes("u2", null));
        Assert.Equal(["GET", "POST"], result.Rules[1].Proxy![0].Methods);
        Assert.Equal("org-1", result.Rules[1].EndUsers.Organization);
        Assert.Equal(PolicyEffect.Deny, result.Rules[2].Effect);
    }

    [Fact]
    public void An_empty_rule_list_is_valid_and_denies_everything()
    {
        var result = Validate("""{"rules":[]}""");

        Assert.True(result.IsValid);
        Assert.Empty(result.Rules);
    }

    [Theory]
    [InlineData("[]", "body")]
    [InlineData("{}", "rules")]
    [InlineData("""{"rules":null}""", "rules")]
    [InlineData("""{"rules":{}}""", "rules")]
    [InlineData("""{"rules":[],"foo":1}""", "foo")]
    [InlineData("""{"rules":[],"rules":[]}""", "rules")]
    [InlineData("""{"rules":[1]}""", "rules[0]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"bogus":1}]}""", "rules[0].bogus")]
    [InlineData("""{"rules":[{"id":"r","id":"s","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"id":"R1","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"id":"-r","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"id":"r\n","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"id":7,"integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].id")]
    [InlineData("""{"rules":[{"id":"r","description":"a\u202Eb","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].description")]
    [InlineData("""{"rules":[{"id":"r","effect":"permit","integration":"github","end_users":"*","actions":["a"]}]}""", "rules[0].effect")]
    [InlineData("""{"rules":[{"id":"r","end_users":"*","actions":["a"]}]}""", "rules[0].integration")]
    [InlineData("""{"rules":[{"id":"r","integration":"git/hub","end_users":"*","actions":["a"]}]}""", "rules[0].integration")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","actions":["a"]}]}""", "rules[0].end_users")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"all","actions":["a"]}]}""", "rules[0].end_users")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":{},"actions":["a"]}]}""", "rules[0].end_users")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":{"ids":["u"],"organization":"o"},"actions":["a"]}]}""", "rules[0].end_users")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":{"ids":[]},"actions":["a"]}]}""", "rules[0].end_users.ids")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":{"ids":["u",2]},"actions":["a"]}]}""", "rules[0].end_users.ids[1]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":{"team":"t"},"actions":["a"]}]}""", "rules[0].end_users.team")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*"}]}""", "rules[0].actions")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":[]}]}""", "rules[0].actions")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":"*"}]}""", "rules[0].actions")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["ok","List-Repos"]}]}""", "rules[0].actions[1]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"]}]}]}""", "rules[0].proxy[0].paths")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"paths":["/x"]}]}]}""", "rules[0].proxy[0].methods")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET","TRACE"],"paths":["/x"]}]}]}""", "rules[0].proxy[0].methods[1]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/x","x"]}]}]}""", "rules[0].proxy[0].paths[1]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/a/../b"]}]}]}""", "rules[0].proxy[0].paths[0]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/a%2Fb"]}]}]}""", "rules[0].proxy[0].paths[0]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/a/b*"]}]}]}""", "rules[0].proxy[0].paths[0]")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","proxy":[{"methods":["GET"],"paths":["/x"],"hosts":["h"]}]}]}""", "rules[0].proxy[0].hosts")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"proxy":[{"methods":["GET"],"paths":["/x"]}],"conditions":[{"input":"/a","op":"equals","value":1}]}]}""", "rules[0].conditions")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"amount","op":"max","value":1}]}]}""", "rules[0].conditions[0].input")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a~2","op":"max","value":1}]}]}""", "rules[0].conditions[0].input")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"lt","value":1}]}]}""", "rules[0].conditions[0].op")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"max"}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"max","value":"100"}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"in","value":"x"}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"in","value":[]}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"prefix","value":1}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"glob","value":""}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"max_length","value":-1}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"conditions":[{"input":"/a","op":"max_length","value":1.5}]}]}""", "rules[0].conditions[0].value")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"rate":{}}]}""", "rules[0].rate")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"rate":{"per_minute":0}}]}""", "rules[0].rate.per_minute")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"rate":{"per_day":1000001}}]}""", "rules[0].rate.per_day")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"rate":{"per_hour":5}}]}""", "rules[0].rate.per_hour")]
    [InlineData("""{"rules":[{"id":"r","effect":"deny","integration":"github","end_users":"*","rate":{"per_minute":5}}]}""", "rules[0].rate")]
    [InlineData("""{"rules":[{"id":"r","effect":"deny","integration":"github","end_users":"*","may_request_connection":true}]}""", "rules[0].may_request_connection")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"may_request_connection":"yes"}]}""", "rules[0].may_request_connection")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"expires_at":"2030-01-01T00:00:00"}]}""", "rules[0].expires_at")]
    [InlineData("""{"rules":[{"id":"r","integration":"github","end_users":"*","actions":["a"],"expires_at":"tomorrow"}]}""", "rules[0].expires_at")]
    public void Each_error_is_named_by_its_path(string json, string path)
    {
        var result = Validate(json);

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(path), $"expected '{path}', got: {string.Join(", ", result.Errors.Keys)}");
        Assert.Empty(result.Rules);
    }

    [Fact]
    public void Rule_ids_must_be_unique_and_the_duplicate_names_the_first()
    {
        var result = Validate(Rules(Good, Good.Replace("\"r1\"", "\"r2\""), Good));

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[2].id", error.Key);
        Assert.Contains("rules[0]", error.Value[0]);
    }

    [Fact]
    public void At_most_200_rules()
    {
        var rules = Enumerable.Range(0, PolicyValidator.MaxRules + 1).Select(i => Good.Replace("\"r1\"", $"\"r{i}\"")).ToArray();

        Assert.True(Validate(Rules(rules[..^1])).IsValid);
        Assert.True(Validate(Rules(rules)).Errors.ContainsKey("rules"));
    }

    [Fact]
    public void Several_errors_are_reported_together()
    {
        var result = Validate(Rules(
            """{"id":"a","integration":"github","end_users":"*","proxy":[{"methods":["GET","FETCH"],"paths":["/ok","nope"]}]}""",
            """{"id":"b","integration":"github","end_users":"*","actions":["x"],"conditions":[{"input":"/n","op":"max","value":"1"}]}"""));

        Assert.Equal(["rules[0].proxy[0].methods[1]", "rules[0].proxy[0].paths[1]", "rules[1].conditions[0].value"], result.Errors.Keys.Order());
    }

    [Fact]
    public void The_action_catalog_seam_refuses_unknown_actions_of_a_named_integration()
    {
        ActionKeyExists catalog = (integration, action) => integration == "github" && action == "list_repositories";

        Assert.True(Validate(Rules(Good), catalog).IsValid);
        var unknown = Validate(Rules(Good.Replace("list_repositories", "delete_everything")), catalog);
        Assert.Contains("rules[0].actions[0]", unknown.Errors.Keys);
        // "*" and the any-integration rule cannot be checked against one integration's catalog: they pass.
        Assert.True(Validate(Rules(Good.Replace("\"list_repositories\"", "\"*\"")), catalog).IsValid);
        Assert.True(Validate(Rules(Good.Replace("\"github\"", "\"*\"").Replace("list_repositories", "anything")), catalog).IsValid);
    }

    [Fact]
    public void Canonical_json_reads_back_to_the_same_canonical_json()
    {
        var result = Validate(Rules("""
            {"id":"x","integration":"github","end_users":{"ids":["b","a"]},"proxy":[{"methods":["get"],"paths":["/files/my doc/**"]}],
             "rate":{"per_day":5},"expires_at":"2030-06-01T12:00:00+02:00"}
            """, """
            {"id":"y","effect":"deny","integration":"*","end_users":"*","actions":["send"],"conditions":[{"input":"/to","op":"glob","value":"*@evil.test"}]}
            """));
        Assert.True(result.IsValid);

        var json = PolicyJson.Write(result.Rules);
        var again = Validate($$"""{"rules":{{json}}}""");

        Assert.Equal(json, PolicyJson.Write(again.Rules));
        Assert.Contains("\"GET\"", json);
        Assert.Contains("2030-06-01T10:00:00+00:00", json);
    }
}
