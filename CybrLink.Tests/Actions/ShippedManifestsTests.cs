using System.Text.Json;
using CybrLink.Core.Actions;

namespace CybrLink.Tests.Actions;

/// <summary>The manifests CybrLink ships: they load, cover the promised providers, and every example becomes a real call.</summary>
public sealed class ShippedManifestsTests
{
    private static readonly ActionCatalog Catalog = ActionCatalog.LoadEmbedded();

    public static TheoryData<string, string> EveryAction()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in Catalog.Providers)
        {
            foreach (var action in Catalog.ForProvider(provider))
            {
                data.Add(provider, action.Key);
            }
        }

        return data;
    }

    [Fact]
    public void Every_promised_provider_has_at_least_three_actions_and_one_write()
    {
        string[] promised =
        [
            "sandbox-mail", "sandbox-crm", "sandbox-helpdesk",
            "github", "slack", "google-calendar", "google-mail", "linear", "notion", "hubspot", "jira",
        ];

        Assert.Equal(promised.Order(StringComparer.Ordinal), Catalog.Providers);
        Assert.All(promised, provider =>
        {
            var actions = Catalog.ForProvider(provider);
            Assert.True(actions.Count >= 3, $"{provider} has {actions.Count} actions");
            Assert.Contains(actions, a => a.Kind == ActionKind.Write);
        });
    }

    [Fact]
    public void The_sandbox_providers_offer_the_actions_the_agent_story_uses()
    {
        Assert.Equal(["list_messages", "get_message", "send_message"], Catalog.ForProvider("sandbox-mail").Select(a => a.Key));
        Assert.Equal(["list_contacts", "get_contact", "create_contact"], Catalog.ForProvider("sandbox-crm").Select(a => a.Key));
        Assert.Equal(["list_tickets", "create_ticket", "add_comment"], Catalog.ForProvider("sandbox-helpdesk").Select(a => a.Key));
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void The_example_is_valid_and_builds_a_call_inside_the_template(string provider, string key)
    {
        var action = Catalog.Find(provider, key)!;

        Assert.Empty(action.ValidateInput(action.Example));
        var request = action.BuildRequest(action.Example);

        Assert.Equal(action.Method, request.Method);
        Assert.StartsWith("/", request.Path);
        Assert.DoesNotContain('{', request.Path);
        Assert.DoesNotContain('}', request.Path);
        Assert.DoesNotContain("{{", request.Query ?? "");
        Assert.DoesNotContain("{{", request.JsonBody ?? "");
        if (request.JsonBody is not null)
        {
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(request.JsonBody).RootElement.ValueKind);
        }
    }

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void The_input_schema_is_what_agents_are_shown(string provider, string key)
    {
        var action = Catalog.Find(provider, key)!;

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", action.InputSchema.GetProperty("$schema").GetString());
        Assert.False(action.InputSchema.GetProperty("additionalProperties").GetBoolean());
        Assert.All(action.InputSchema.GetProperty("properties").EnumerateObject(),
            p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString())));
        Assert.Equal(action.Method, action.Method.ToUpperInvariant());
        Assert.True(action.Description.Length >= 40);
    }

    [Fact]
    public void Unknown_providers_and_keys_find_nothing()
    {
        Assert.Empty(Catalog.ForProvider("nope"));
        Assert.Null(Catalog.Find("github", "nope"));
        Assert.Null(Catalog.Find("GitHub", "list_issues"));
        Assert.NotNull(Catalog.Find("github", "list_issues"));
    }

    [Fact]
    public void Paths_are_relative_to_the_nango_base_url_of_each_provider()
    {
        // Nango appends the path to the provider's proxy base_url: these prefixes are what the base_url lacks.
        Assert.Equal("/gmail/v1/users/me/messages", Catalog.Find("google-mail", "list_messages")!.PathTemplate);
        Assert.StartsWith("/calendar/v3/", Catalog.Find("google-calendar", "list_events")!.PathTemplate);
        Assert.Equal("/chat.postMessage", Catalog.Find("slack", "post_message")!.PathTemplate);
        Assert.StartsWith("/ex/jira/{cloud_id}/rest/api/3/", Catalog.Find("jira", "create_issue")!.PathTemplate);
        Assert.StartsWith("/v1/", Catalog.Find("notion", "create_page")!.PathTemplate);
        Assert.StartsWith("/crm/v3/", Catalog.Find("hubspot", "create_contact")!.PathTemplate);
        Assert.Equal("/graphql", Catalog.Find("linear", "create_issue")!.PathTemplate);
    }
}
