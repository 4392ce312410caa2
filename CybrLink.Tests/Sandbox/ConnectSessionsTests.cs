using System.Net;
using System.Text.RegularExpressions;
using CybrLink.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Sandbox;

public sealed class ConnectSessionsTests : SandboxHarness
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 8, 21, 10, 0, 0, TimeSpan.Zero));

    protected override Task<RunningSandbox> StartSandboxAsync() => SandboxServer.StartAsync(new SandboxOptions(), _time);

    [Fact]
    public async Task Create_answers_201_with_token_link_and_30_minute_expiry()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { end_user = new { id = "u1" } });
        Assert.Equal(HttpStatusCode.Created, status);
        var data = body!["data"]!;
        var token = data["token"]!.GetValue<string>();
        Assert.Matches(new Regex("^nango_connect_session_[0-9a-f]{64}$"), token);
        Assert.Equal("2026-08-21T10:30:00.000Z", data["expires_at"]!.GetValue<string>());
        Assert.EndsWith($"?session_token={token}", data["connect_link"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tags_are_generated_from_the_end_user_and_merged_with_lower_cased_explicit_tags()
    {
        var token = await CreateNangoSessionAsync(new
        {
            end_user = new { id = "u1", email = "u1@example.com", display_name = "Ann", tags = new { Team = "blue" } },
            organization = new { id = "org-9" },
            tags = new { CybrLink_Session_Id = "s-1", end_user_id = "override" },
        });
        var connectionId = await ConnectApiKeyAsync(token);

        var connection = (await ListConnectionsAsync($"?connectionId={connectionId}")).Single()!;
        var tags = connection["tags"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        Assert.Equal("override", tags["end_user_id"]);
        Assert.Equal("u1@example.com", tags["end_user_email"]);
        Assert.Equal("Ann", tags["end_user_display_name"]);
        Assert.Equal("org-9", tags["organization_id"]);
        Assert.Equal("blue", tags["team"]);
        Assert.Equal("s-1", tags["cybrlink_session_id"]);
    }

    [Fact]
    public async Task Tag_rules_are_enforced()
    {
        var eleven = Enumerable.Range(0, 11).ToDictionary(i => $"k{i}", i => "v");
        var (tooMany, _) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { tags = eleven });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);

        var (badKey, body) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { tags = new Dictionary<string, string> { ["1bad"] = "v" } });
        Assert.Equal(HttpStatusCode.BadRequest, badKey);
        Assert.Equal(["tags", "1bad"], ErrorPath(body));

        var (emptyValue, _) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { tags = new { k = "" } });
        Assert.Equal(HttpStatusCode.BadRequest, emptyValue);
    }

    [Fact]
    public async Task End_user_is_required_without_tags()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["end_user"], ErrorPath(body));
    }

    [Fact]
    public async Task Unknown_integrations_are_reported_with_nangos_paths()
    {
        var (_, allowed) = await CallAsync(HttpMethod.Post, "/connect/sessions",
            new { end_user = new { id = "u" }, allowed_integrations = new[] { "sandbox-mail", "nope" } });
        Assert.Equal("invalid_body", ErrorCode(allowed));
        Assert.Equal(["allowed_integrations", "1"], ErrorPath(allowed));
        Assert.Equal("Integration does not exist", allowed!["error"]!["errors"]![0]!["message"]!.GetValue<string>());

        var (_, defaults) = await CallAsync(HttpMethod.Post, "/connect/sessions",
            new { end_user = new { id = "u" }, integrations_config_defaults = new { nope = new { connection_config = new { } } } });
        Assert.Equal(["integrations_config_defaults", "nope"], ErrorPath(defaults));
    }

    [Fact]
    public async Task Get_session_describes_it_and_delete_revokes_it()
    {
        var token = await CreateNangoSessionAsync(new
        {
            end_user = new { id = "u1", email = "u1@example.com" },
            allowed_integrations = new[] { "sandbox-crm" },
            integrations_config_defaults = new Dictionary<string, object> { ["sandbox-crm"] = new { connection_config = new { subdomain = "acme" } } },
        });

        var (status, body) = await CallAsync(HttpMethod.Get, "/connect/session", bearer: token);
        Assert.Equal(HttpStatusCode.OK, status);
        var data = body!["data"]!;
        Assert.Equal("u1", data["endUser"]!["id"]!.GetValue<string>());
        Assert.Equal("/", data["websocketsPath"]!.GetValue<string>());
        Assert.Equal("sandbox-crm", data["allowed_integrations"]![0]!.GetValue<string>());
        Assert.Equal("acme", data["integrations_config_defaults"]!["sandbox-crm"]!["connection_config"]!["subdomain"]!.GetValue<string>());
        Assert.NotNull(data["connectUISettings"]!["theme"]);
        Assert.Null(data["isReconnecting"]);

        var (deleted, _) = await CallAsync(HttpMethod.Delete, "/connect/session", bearer: token);
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        var (after, gone) = await CallAsync(HttpMethod.Get, "/connect/session", bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
        Assert.Equal("unknown_connect_session_token", ErrorCode(gone));
    }

    [Fact]
    public async Task Session_expires_after_30_minutes()
    {
        var token = await CreateNangoSessionAsync();
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Get, "/connect/session", bearer: token)).Status);

        _time.Advance(TimeSpan.FromMinutes(1));
        var (status, body) = await CallAsync(HttpMethod.Get, "/connect/session", bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unknown_connect_session_token", ErrorCode(body));
    }

    [Fact]
    public async Task Malformed_session_token_is_401_invalid_format()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/connect/session", bearer: "nango_connect_session_xyz");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_connect_session_token_format", ErrorCode(body));
    }

    [Fact]
    public async Task Reconnect_session_overrides_the_same_connection()
    {
        var connectionId = await ConnectApiKeyAsync(await CreateNangoSessionAsync("u1"), apiKey: "old");

        var (unknown, error) = await CallAsync(HttpMethod.Post, "/connect/sessions/reconnect",
            new { connection_id = "nope", integration_id = "sandbox-crm" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("ConnectionID or IntegrationId does not exists", error!["error"]!["message"]!.GetValue<string>());

        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions/reconnect",
            new { connection_id = connectionId, integration_id = "sandbox-crm" });
        Assert.Equal(HttpStatusCode.Created, status);
        var token = body!["data"]!["token"]!.GetValue<string>();
        var (_, session) = await CallAsync(HttpMethod.Get, "/connect/session", bearer: token);
        Assert.True(session!["data"]!["isReconnecting"]!.GetValue<bool>());
        Assert.Equal("u1", session["data"]!["endUser"]!["id"]!.GetValue<string>());

        var again = await ConnectApiKeyAsync(token, apiKey: "new");
        Assert.Equal(connectionId, again);
        Assert.Single(await ListConnectionsAsync());
    }
}
