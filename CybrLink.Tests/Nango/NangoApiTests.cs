using System.Net;
using System.Text.Json;
using CybrLink.Core.Nango;

namespace CybrLink.Tests.Nango;

/// <summary>Every call of <see cref="INangoApi"/>: what it sends, how it reads Nango's success, how it reads Nango's error.</summary>
public sealed class NangoApiTests : IDisposable
{
    private readonly NangoClientFixture _fx = new();

    private RecordedNango Nango => _fx.Nango;
    private INangoApi Api => _fx.Api;
    private SentRequest Sent => Assert.Single(Nango.Sent);

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task GetHealth_reads_ok_and_sends_the_secret_key()
    {
        Nango.Answer(HttpStatusCode.OK, """{"result":"ok"}""");

        var health = await Api.GetHealthAsync();

        Assert.Equal("ok", health.Result);
        Assert.Equal("GET /health", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal($"Bearer {NangoClientFixture.SecretKey}", Sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task GetHealth_server_error_becomes_a_typed_error_after_retries()
    {
        for (var i = 0; i < 4; i++)
        {
            Nango.Answer(HttpStatusCode.InternalServerError,
                """{"error":{"message":"An error occurred. Please contact support with this unique id: \"u-1\"","code":"generic_error_support","payload":"u-1"}}""");
        }

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.GetHealthAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, e.Status);
        Assert.Equal("generic_error_support", e.Code);
        Assert.Equal(4, Nango.Sent.Count); // a safe GET: first try + 3 retries
    }

    [Fact]
    public async Task A_rate_limited_get_surfaces_at_once_with_nangos_retry_after()
    {
        Nango.Answer(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent("""{"error":{"code":"too_many_request","method":"GET","path":"/connections"}}""",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.ListConnectionsAsync(new NangoConnectionFilter()));

        // Not retried (a retry would spend the wait inside one call) and not reported as "did not answer in time".
        Assert.Single(Nango.Sent);
        Assert.True(e.IsRateLimited);
        Assert.Equal("too_many_request", e.Code);
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task ListProviders_sends_search_and_reads_the_catalog()
    {
        Nango.Answer(HttpStatusCode.OK, """
            {"data":[{"name":"github","display_name":"GitHub (User OAuth)","auth_mode":"OAUTH2","categories":["dev-tools"],
              "docs":"https://nango.dev/docs/api-integrations/github","logo_url":"http://localhost:3003/images/template-logos/github.svg",
              "proxy":{"base_url":"https://api.github.com"},"authorization_url":"https://github.com/login/oauth/authorize"}]}
            """);

        var providers = await Api.ListProvidersAsync("git");

        Assert.Equal("GET /providers?search=git", $"{Sent.Method} {Sent.PathAndQuery}");
        var github = Assert.Single(providers.Data);
        Assert.Equal(("github", "GitHub (User OAuth)", "OAUTH2"), (github.Name, github.DisplayName, github.AuthMode));
        Assert.EndsWith("/github.svg", github.LogoUrl);
    }

    [Fact]
    public async Task ListProviders_without_search_sends_no_query_and_reads_auth_errors()
    {
        Nango.Answer(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication failed. The request is missing the Authorization header.","code":"missing_auth_header","payload":{}}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.ListProvidersAsync());

        Assert.Equal("GET /providers", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal((HttpStatusCode.Unauthorized, "missing_auth_header"), (e.Status, e.Code));
    }

    [Fact]
    public async Task GetProvider_reads_connection_config_fields()
    {
        Nango.Answer(HttpStatusCode.OK, """
            {"data":{"name":"zendesk","display_name":"Zendesk","auth_mode":"OAUTH2","logo_url":"http://n/z.svg",
              "connection_config":{"subdomain":{"type":"string","title":"Subdomain","description":"The subdomain of your account",
                "example":"acme","pattern":"^[a-z0-9-]+$","order":1,"automated":false}}}}
            """);

        var provider = (await Api.GetProviderAsync("zendesk")).Data;

        Assert.Equal("GET /providers/zendesk", $"{Sent.Method} {Sent.PathAndQuery}");
        var subdomain = provider.ConnectionConfig!["subdomain"];
        Assert.Equal(("Subdomain", "^[a-z0-9-]+$", 1), (subdomain.Title, subdomain.Pattern, subdomain.Order));
    }

    [Fact]
    public async Task GetProvider_unknown_is_not_found()
    {
        Nango.Answer(HttpStatusCode.NotFound, """{"error":{"code":"not_found","message":"Unknown provider nope"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.GetProviderAsync("nope"));

        Assert.Equal((HttpStatusCode.NotFound, "not_found", "Unknown provider nope"), (e.Status, e.Code, e.NangoMessage));
    }

    [Fact]
    public async Task ListIntegrations_reads_public_integrations()
    {
        Nango.Answer(HttpStatusCode.OK, """
            {"data":[{"unique_key":"github-prod","provider":"github","display_name":"GitHub","logo":"http://n/github.svg",
              "forward_webhooks":true,"created_at":"2026-08-21T10:00:00.000Z","updated_at":"2026-08-21T10:00:00.000Z"}]}
            """);

        var integrations = await Api.ListIntegrationsAsync();

        Assert.Equal("GET /integrations", $"{Sent.Method} {Sent.PathAndQuery}");
        var github = Assert.Single(integrations.Data);
        Assert.Equal(("github-prod", "github"), (github.UniqueKey, github.Provider));
        Assert.Equal(new DateTimeOffset(2026, 8, 21, 10, 0, 0, TimeSpan.Zero), github.CreatedAt);
    }

    [Fact]
    public async Task ListIntegrations_unknown_key_is_unauthorized()
    {
        Nango.Answer(HttpStatusCode.Unauthorized, """{"error":{"code":"unknown_account","message":"The secret key does not match any account"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.ListIntegrationsAsync());

        Assert.Equal((HttpStatusCode.Unauthorized, "unknown_account"), (e.Status, e.Code));
        Assert.DoesNotContain(NangoClientFixture.SecretKey, e.Message);
    }

    [Fact]
    public async Task GetIntegration_never_asks_for_credentials()
    {
        Nango.Answer(HttpStatusCode.OK, """{"data":{"unique_key":"github-prod","provider":"github","display_name":"GitHub","logo":"l"}}""");

        var integration = (await Api.GetIntegrationAsync("github-prod")).Data;

        Assert.Equal("GET /integrations/github-prod", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal("GitHub", integration.DisplayName);
    }

    [Fact]
    public async Task GetIntegration_unknown_is_not_found()
    {
        Nango.Answer(HttpStatusCode.NotFound, """{"error":{"code":"not_found","message":"Integration does not exist"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.GetIntegrationAsync("nope"));

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (e.Status, e.Code));
    }

    [Fact]
    public async Task CreateIntegration_posts_only_the_fields_given()
    {
        Nango.Answer(HttpStatusCode.OK, """{"data":{"unique_key":"gh","provider":"github","display_name":"GitHub","logo":"l","forward_webhooks":true,"created_at":"2026-08-21T10:00:00.000Z","updated_at":"2026-08-21T10:00:00.000Z"}}""");

        var created = await Api.CreateIntegrationAsync(new NangoCreateIntegrationRequest
        {
            Provider = "github",
            UniqueKey = "gh",
            Credentials = new NangoIntegrationCredentials { Type = "OAUTH2", ClientId = "id", ClientSecret = "app-secret", Scopes = "repo,user" },
        });

        Assert.Equal("gh", created.Data.UniqueKey);
        Assert.Equal("POST /integrations", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.StartsWith("application/json", Sent.ContentType);
        Assert.Equal(
            """{"provider":"github","unique_key":"gh","credentials":{"type":"OAUTH2","client_id":"id","client_secret":"app-secret","scopes":"repo,user"}}""",
            Sent.Body);
    }

    [Fact]
    public async Task CreateIntegration_validation_error_keeps_nango_issues_and_is_not_retried()
    {
        Nango.Answer(HttpStatusCode.BadRequest, """
            {"error":{"code":"invalid_body","errors":[{"code":"custom","message":"Invalid provider","path":["provider"]}]}}
            """);

        var e = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.CreateIntegrationAsync(new NangoCreateIntegrationRequest { Provider = "nope", UniqueKey = "x" }));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (e.Status, e.Code));
        var issue = Assert.Single(e.Issues);
        Assert.Equal("Invalid provider", issue.Message);
        Assert.Equal("provider", issue.Path![0].GetString());
        Assert.Single(Nango.Sent);
    }

    [Fact]
    public async Task CreateIntegration_is_not_retried_on_a_server_error()
    {
        Nango.Answer(HttpStatusCode.ServiceUnavailable, "");

        var e = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.CreateIntegrationAsync(new NangoCreateIntegrationRequest { Provider = "github", UniqueKey = "x" }));

        Assert.Equal("unexpected_response", e.Code);
        Assert.Single(Nango.Sent); // POST is not idempotent: one attempt only
    }

    [Fact]
    public async Task UpdateIntegration_patches_the_key()
    {
        Nango.Answer(HttpStatusCode.OK, """{"data":{"unique_key":"gh","provider":"github","display_name":"Renamed","logo":"l"}}""");

        var updated = await Api.UpdateIntegrationAsync("gh", new NangoUpdateIntegrationRequest { DisplayName = "Renamed" });

        Assert.Equal("Renamed", updated.Data.DisplayName);
        Assert.Equal("PATCH /integrations/gh", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal("""{"display_name":"Renamed"}""", Sent.Body);
    }

    [Fact]
    public async Task UpdateIntegration_unknown_is_not_found()
    {
        Nango.Answer(HttpStatusCode.NotFound, """{"error":{"code":"not_found","message":"Integration does not exist"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.UpdateIntegrationAsync("nope", new NangoUpdateIntegrationRequest { DisplayName = "x" }));

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (e.Status, e.Code));
    }

    [Fact]
    public async Task DeleteIntegration_reads_success()
    {
        Nango.Answer(HttpStatusCode.OK, """{"success":true}""");

        var result = await Api.DeleteIntegrationAsync("gh");

        Assert.True(result.Success);
        Assert.Equal("DELETE /integrations/gh", $"{Sent.Method} {Sent.PathAndQuery}");
    }

    [Fact]
    public async Task DeleteIntegration_unknown_is_not_found_and_not_retried()
    {
        Nango.Answer(HttpStatusCode.NotFound, """{"error":{"code":"not_found","message":"Integration does not exist"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteIntegrationAsync("nope"));

        Assert.Equal("not_found", e.Code);
        Assert.Single(Nango.Sent);
    }

    [Fact]
    public async Task CreateConnectSession_sends_end_user_tags_and_defaults()
    {
        var token = "nango_connect_session_" + new string('a', 64);
        Nango.Answer(HttpStatusCode.Created,
            "{\"data\":{\"token\":\"" + token + "\",\"connect_link\":\"http://127.0.0.1:3009/?session_token=t\",\"expires_at\":\"2026-08-21T10:30:00.000Z\"}}");

        var session = (await Api.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
        {
            EndUser = new NangoEndUser { Id = "u-1", Email = "ada@example.com" },
            AllowedIntegrations = ["github-prod"],
            IntegrationsConfigDefaults = new Dictionary<string, NangoIntegrationDefaults>
            {
                ["github-prod"] = new() { ConnectionConfig = new Dictionary<string, JsonElement> { ["subdomain"] = JsonSerializer.SerializeToElement("acme") } },
            },
            Tags = new Dictionary<string, string> { ["cybrlink_session_id"] = "s-1" },
        })).Data;

        Assert.StartsWith("nango_connect_session_", session.Token);
        Assert.Equal(new DateTimeOffset(2026, 8, 21, 10, 30, 0, TimeSpan.Zero), session.ExpiresAt);
        Assert.Equal("POST /connect/sessions", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal(
            """{"end_user":{"id":"u-1","email":"ada@example.com"},"allowed_integrations":["github-prod"],"integrations_config_defaults":{"github-prod":{"connection_config":{"subdomain":"acme"}}},"tags":{"cybrlink_session_id":"s-1"}}""",
            Sent.Body);
    }

    [Fact]
    public async Task CreateConnectSession_unknown_integration_error_keeps_the_path()
    {
        Nango.Answer(HttpStatusCode.BadRequest, """
            {"error":{"code":"invalid_body","errors":[{"code":"custom","message":"Integration does not exist","path":["allowed_integrations","0"]}]}}
            """);

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
        {
            EndUser = new NangoEndUser { Id = "u-1" },
            AllowedIntegrations = ["nope"],
        }));

        Assert.Equal("invalid_body", e.Code);
        Assert.Equal(["allowed_integrations", "0"], Assert.Single(e.Issues).Path!.Select(p => p.ToString()));
    }

    [Fact]
    public async Task CreateReconnectSession_names_the_connection()
    {
        Nango.Answer(HttpStatusCode.Created, """{"data":{"token":"nango_connect_session_b","connect_link":"l","expires_at":"2026-08-21T10:30:00.000Z"}}""");

        await Api.CreateReconnectSessionAsync(new NangoReconnectSessionRequest { ConnectionId = "c-1", IntegrationId = "github-prod" });

        Assert.Equal("POST /connect/sessions/reconnect", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal("""{"connection_id":"c-1","integration_id":"github-prod"}""", Sent.Body);
    }

    [Fact]
    public async Task CreateReconnectSession_unknown_connection_is_invalid_body()
    {
        Nango.Answer(HttpStatusCode.BadRequest, """{"error":{"code":"invalid_body","message":"ConnectionID or IntegrationId does not exists"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.CreateReconnectSessionAsync(new NangoReconnectSessionRequest { ConnectionId = "nope", IntegrationId = "gh" }));

        Assert.Equal(("invalid_body", "ConnectionID or IntegrationId does not exists"), (e.Code, e.NangoMessage));
    }

    [Fact]
    public async Task DeleteConnectSession_authenticates_with_the_session_token_not_the_secret_key()
    {
        Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.NoContent));

        await Api.DeleteConnectSessionAsync("nango_connect_session_abc");

        Assert.Equal("DELETE /connect/session", $"{Sent.Method} {Sent.PathAndQuery}");
        Assert.Equal("Bearer nango_connect_session_abc", Sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task DeleteConnectSession_failure_is_typed()
    {
        Nango.Answer(HttpStatusCode.Unauthorized, """{"error":{"code":"unknown_connect_session_token","message":"The provided connect session token does not exist or has expired"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteConnectSessionAsync("nango_connect_session_old"));

        Assert.Equal((HttpStatusCode.Unauthorized, "unknown_connect_session_token"), (e.Status, e.Code));
    }

    [Fact]
    public async Task ListConnections_sends_every_filter_in_nangos_query_syntax()
    {
        Nango.Answer(HttpStatusCode.OK, """
            {"connections":[{"id":7,"connection_id":"c-1","provider_config_key":"github-prod","provider":"github",
              "errors":[{"type":"auth","log_id":"l-1"}],
              "end_user":{"id":"u-1","display_name":"Ada","email":"ada@example.com","tags":{},"organization":{"id":"o-1","display_name":"Acme"}},
              "tags":{"end_user_id":"u-1","cybrlink_session_id":"s-1"},"metadata":null,"created":"2026-08-21T10:00:00.000Z"}]}
            """);

        var list = await Api.ListConnectionsAsync(new NangoConnectionFilter
        {
            ConnectionId = "c-1",
            Search = "ada",
            EndUserId = "u-1",
            EndUserOrganizationId = "o-1",
            IntegrationIds = ["github-prod", "slack"],
            Tags = new Dictionary<string, string> { ["cybrlink_session_id"] = "s-1" },
            Limit = 50,
            Page = 2,
        });

        var query = System.Web.HttpUtility.ParseQueryString(Sent.Uri.Query);
        Assert.Equal("/connections", Sent.Uri.AbsolutePath);
        Assert.Equal("c-1", query["connectionId"]);
        Assert.Equal("ada", query["search"]);
        Assert.Equal("u-1", query["endUserId"]);
        Assert.Equal("o-1", query["endUserOrganizationId"]);
        Assert.Equal("github-prod,slack", query["integrationId"]);
        Assert.Equal("s-1", query["tags[cybrlink_session_id]"]);
        Assert.Equal(("50", "2"), (query["limit"], query["page"]));
        Assert.Equal(8, query.Count);

        var connection = Assert.Single(list.Connections);
        Assert.Equal(("c-1", "github-prod", "auth"), (connection.ConnectionId, connection.ProviderConfigKey, connection.Errors[0].Type));
        Assert.Equal("Acme", connection.EndUser!.Organization!.DisplayName);
    }

    [Fact]
    public async Task ListConnections_bad_query_is_typed()
    {
        Nango.Answer(HttpStatusCode.BadRequest, """
            {"error":{"code":"invalid_query_params","errors":[{"code":"too_big","message":"Number must be less than or equal to 2000","path":["limit"]}]}}
            """);

        var e = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.ListConnectionsAsync(new NangoConnectionFilter { Limit = 5000 }));

        Assert.Equal("invalid_query_params", e.Code);
        Assert.Equal("/connections?limit=5000", Sent.PathAndQuery);
    }

    [Fact]
    public async Task DeleteConnection_names_the_integration()
    {
        Nango.Answer(HttpStatusCode.OK, """{"success":true}""");

        var result = await Api.DeleteConnectionAsync("c-1", "github-prod");

        Assert.True(result.Success);
        Assert.Equal("DELETE /connections/c-1?provider_config_key=github-prod", $"{Sent.Method} {Sent.PathAndQuery}");
    }

    [Fact]
    public async Task DeleteConnection_twice_is_unknown_connection()
    {
        Nango.Answer(HttpStatusCode.BadRequest, """{"error":{"code":"unknown_connection"}}""");

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteConnectionAsync("c-1", "github-prod"));

        Assert.Equal((HttpStatusCode.BadRequest, "unknown_connection", null), (e.Status, e.Code, e.NangoMessage));
    }

    [Fact]
    public async Task A_closed_port_is_NangoUnavailable()
    {
        for (var i = 0; i < 4; i++)
        {
            Nango.Fail(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        }

        var e = await Assert.ThrowsAsync<NangoUnavailableException>(() => Api.GetHealthAsync());

        Assert.Contains("could not be reached", e.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_nangos_envelope_is_unexpected_response()
    {
        Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        for (var i = 0; i < 3; i++)
        {
            Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        }

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.ListIntegrationsAsync());

        Assert.Equal((HttpStatusCode.BadGateway, "unexpected_response"), (e.Status, e.Code));
        Assert.DoesNotContain("html", e.Message);
    }
}
