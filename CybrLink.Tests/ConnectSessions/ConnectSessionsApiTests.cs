using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Catalog;
using CybrLink.Core.ConnectSessions;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.ConnectSessions;

public class ConnectSessionsApiTests : SandboxedApp
{
    private static object Body(string integration = "sandbox-mail", string? returnUrl = null, int? expires = null, object? config = null) => new
    {
        end_user = new { id = "u-42", email = "ada@example.com", display_name = "Ada Lovelace" },
        organization = new { id = "org-7", display_name = "Analytical Engines" },
        integration,
        return_url = returnUrl,
        expires_in_minutes = expires,
        connection_config = config,
        locale = "de",
    };

    [Fact]
    public async Task Create_returns_a_token_once_and_a_connect_url_and_stores_only_a_hash()
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body(returnUrl: ReturnOrigin + "/done?x=1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = session.GetProperty("id").GetString()!;
        var token = session.GetProperty("token").GetString()!;
        Assert.Matches("^cbl_cs_[A-Za-z0-9_-]{43}$", token);
        Assert.EndsWith($"/connect?session={token}", session.GetProperty("connect_url").GetString());
        Assert.Equal(Clock.GetUtcNow().AddMinutes(30), session.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal($"/api/v1/connect-sessions/{id}", response.Headers.Location!.OriginalString);

        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("pending", status.GetProperty("status").GetString());
        Assert.Equal("sandbox-mail", status.GetProperty("integration").GetString());
        Assert.False(status.TryGetProperty("token", out _));

        var files = App.ReadDatabaseText();
        Assert.DoesNotContain(token, files);
        Assert.DoesNotContain(token[ConnectSession.TokenPrefix.Length..], files);
    }

    [Theory]
    [InlineData("nope", null, null, "integration")]
    [InlineData("sandbox-mail", "https://evil.example.net/cb", null, "return_url")]
    [InlineData("sandbox-mail", "/relative/path", null, "return_url")]
    [InlineData("sandbox-mail", "javascript:alert(1)", null, "return_url")]
    [InlineData("sandbox-mail", null, 4, "expires_in_minutes")]
    [InlineData("sandbox-mail", null, 61, "expires_in_minutes")]
    public async Task Unacceptable_fields_get_422_naming_the_field(string integration, string? returnUrl, int? expires, string field)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body(integration, returnUrl, expires));

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_connection_setting_with_a_fixed_list_accepts_only_its_choices()
    {
        using var outside = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-helpdesk", config: new { region = "mars" }));
        using var listed = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-helpdesk", config: new { region = "eu" }));

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(outside, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("us, eu, ap", problem.GetProperty("errors").GetProperty("connection_config.region")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, listed.StatusCode);
    }

    [Fact]
    public async Task Connection_config_must_name_fields_of_the_integration_and_match_their_pattern()
    {
        using var unknown = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-crm", config: new { region = "eu" }));
        using var invalid = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-crm", config: new { subdomain = "Not Valid!" }));
        using var valid = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-crm", config: new { subdomain = "acme" }));

        Assert.Contains("connection_config.region", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Contains("connection_config.subdomain", await invalid.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
    }

    [Fact]
    public async Task A_disabled_integration_cannot_get_a_session()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            await catalog.RefreshAsync();
            Assert.True(await catalog.UpdateAsync("sandbox-helpdesk", enabled: false, null, null, null));
        }

        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Body("sandbox-helpdesk"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"integration\"", await response.Content.ReadAsStringAsync());
        var listed = await Api.GetFromJsonAsync<JsonElement>("/api/v1/integrations");
        Assert.DoesNotContain(listed.EnumerateArray(), i => i.GetProperty("key").GetString() == "sandbox-helpdesk");
    }

    [Theory]
    [InlineData("""{"integration":"sandbox-mail"}""", "end_user")]
    [InlineData("""{"end_user":{},"integration":"sandbox-mail"}""", "end_user.id")]
    [InlineData("""{"end_user":{"id":"u"}}""", "integration")]
    [InlineData("""{"end_user":{"id":"u"},"integration":""}""", "integration")]
    [InlineData("""{"end_user":{"id":"u\u0000x"},"integration":"sandbox-mail"}""", "end_user.id")]
    [InlineData("""{"end_user":{"id":"u","display_name":"Ada\u202Egnp.exe"},"integration":"sandbox-mail"}""", "end_user.display_name")]
    [InlineData("""{"end_user":{"id":"u","email":"ada\u200B@example.com"},"integration":"sandbox-mail"}""", "end_user.email")]
    [InlineData("""{"end_user":{"id":"u"},"integration":"sandbox-mail","locale":"xx"}""", "locale")]
    public async Task Missing_or_unacceptable_fields_are_422_naming_the_field_in_snake_case(string json, string field)
    {
        using var response = await Api.PostAsync("/api/v1/connect-sessions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_unsupported_locale_is_refused_with_the_supported_list()
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions",
            new { end_user = new { id = "u" }, integration = "sandbox-mail", locale = "xx" });

        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("en, de, fr, es, ja", problem.GetProperty("errors").GetProperty("locale")[0].GetString());
    }

    [Fact]
    public async Task Twenty_parallel_creates_for_the_same_new_end_user_all_succeed()
    {
        var creates = Enumerable.Range(0, 20).Select(i => Api.PostAsJsonAsync("/api/v1/connect-sessions",
            new { end_user = new { id = "new-user", email = $"ada{i}@example.com" }, integration = "sandbox-mail" }));

        var responses = await Task.WhenAll(creates);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var response = await Api.PostAsync("/api/v1/connect-sessions", new StringContent("{\"end_user\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sessions_need_a_server_key()
    {
        using var anonymous = App.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/v1/connect-sessions", Body());

        await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "missing_api_key");
    }

    [Fact]
    public async Task Cancel_then_cancel_again_is_410_and_unknown_is_404()
    {
        var id = (await CreateConnectSessionAsync(Body())).GetProperty("id").GetString();

        using var cancelled = await Api.DeleteAsync($"/api/v1/connect-sessions/{id}");
        using var again = await Api.DeleteAsync($"/api/v1/connect-sessions/{id}");
        using var unknown = await Api.GetAsync($"/api/v1/connect-sessions/{Guid.NewGuid()}");

        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ServerKeyAuthenticationTests.AssertProblemAsync(again, HttpStatusCode.Gone, "session_cancelled");
        await ServerKeyAuthenticationTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task A_session_past_its_expiry_reports_expired()
    {
        var id = (await CreateConnectSessionAsync(Body(expires: 5))).GetProperty("id").GetString();

        Clock.Advance(TimeSpan.FromMinutes(5));

        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("expired", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Integrations_lists_the_enabled_catalog_with_connection_fields()
    {
        var integrations = await Api.GetFromJsonAsync<JsonElement>("/api/v1/integrations");

        var crm = integrations.EnumerateArray().Single(i => i.GetProperty("key").GetString() == "sandbox-crm");
        Assert.Equal("API_KEY", crm.GetProperty("auth_mode").GetString());
        Assert.Equal("Sandbox CRM", crm.GetProperty("display_name").GetString());
        Assert.Equal("subdomain", crm.GetProperty("connection_config")[0].GetProperty("name").GetString());
        Assert.Equal(3, integrations.GetArrayLength());
    }
}
