using System.Net;
using System.Text.Json.Nodes;

namespace CybrLink.Tests.Sandbox;

/// <summary>Providers and integrations: the seeded catalog and the integration CRUD contract.</summary>
public sealed class CatalogTests : SandboxHarness
{
    [Fact]
    public async Task Providers_list_the_seeded_catalog_with_absolute_urls()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/providers");
        Assert.Equal(HttpStatusCode.OK, status);
        var names = body!["data"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["sandbox-crm", "sandbox-helpdesk", "sandbox-mail"], names);

        var (_, mail) = await CallAsync(HttpMethod.Get, "/providers/sandbox-mail");
        var data = mail!["data"]!;
        Assert.Equal("Sandbox Mail", data["display_name"]!.GetValue<string>());
        Assert.Equal("OAUTH2", data["auth_mode"]!.GetValue<string>());
        Assert.Equal("communication", data["categories"]![0]!.GetValue<string>());
        Assert.Equal($"{Sandbox.BaseUrl}/images/template-logos/sandbox-mail.svg", data["logo_url"]!.GetValue<string>());
        Assert.Equal($"{Sandbox.BaseUrl}/_upstream/sandbox-mail", data["proxy"]!["base_url"]!.GetValue<string>());
        Assert.StartsWith(Sandbox.BaseUrl, data["authorization_url"]!.GetValue<string>());
        Assert.StartsWith(Sandbox.BaseUrl, data["token_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Crm_provider_describes_its_subdomain_field_and_api_key()
    {
        var (_, body) = await CallAsync(HttpMethod.Get, "/providers/sandbox-crm");
        var subdomain = body!["data"]!["connection_config"]!["subdomain"]!;
        Assert.Equal("string", subdomain["type"]!.GetValue<string>());
        Assert.Equal("Subdomain", subdomain["title"]!.GetValue<string>());
        Assert.Equal("acme", subdomain["example"]!.GetValue<string>());
        Assert.Equal("^[a-z0-9-]+$", subdomain["pattern"]!.GetValue<string>());
        Assert.False(subdomain["automated"]!.GetValue<bool>());
        Assert.Equal("API Key", body["data"]!["credentials"]!["apiKey"]!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("CRM", new[] { "sandbox-crm" })]
    [InlineData("box-", new[] { "sandbox-crm", "sandbox-helpdesk", "sandbox-mail" })]
    [InlineData("sandbox.crm", new string[0])] // '.' is an allowed character, matched literally
    public async Task Provider_search_matches_the_name_as_case_insensitive_plain_text(string search, string[] expected)
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/providers?search=" + Uri.EscapeDataString(search));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, body!["data"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("^sandbox")]
    [InlineData("(crm|mail)")]
    [InlineData("")]
    public async Task Provider_search_outside_nangos_character_list_is_400_invalid_query_params(string search)
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/providers?search=" + Uri.EscapeDataString(search));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_query_params", ErrorCode(body));
        Assert.Equal(["search"], ErrorPath(body));
    }

    [Fact]
    public async Task Integration_config_for_a_provider_that_takes_none_is_400_invalid_body()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/integrations", new
        {
            provider = "sandbox-crm",
            unique_key = "crm-with-config",
            integration_config = new { baseUrl = "https://crm.example" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_body", ErrorCode(body));
        Assert.Equal(["integration_config"], ErrorPath(body));

        var (missing, _) = await CallAsync(HttpMethod.Get, "/integrations/crm-with-config");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Helpdesk_provider_has_one_prefixed_one_suffixed_and_one_enum_field_all_optional()
    {
        var (_, body) = await CallAsync(HttpMethod.Get, "/providers/sandbox-helpdesk");
        var config = body!["data"]!["connection_config"]!;
        Assert.Equal("https://", config["host"]!["prefix"]!.GetValue<string>());
        Assert.Equal(".helpdesk.example", config["workspace"]!["suffix"]!.GetValue<string>());
        Assert.Equal(["us", "eu", "ap"], config["region"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.All(config.AsObject(), f => Assert.True(f.Value!["optional"]!.GetValue<bool>()));
        Assert.Null(config["host"]!["enum"]);
    }

    [Fact]
    public async Task Logos_answer_404_while_the_logo_fault_is_on()
    {
        using var ok = await Http.GetAsync(Url("/images/template-logos/sandbox-mail.svg"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await Sandbox.Control.BreakLogosAsync();
        using var missing = await Http.GetAsync(Url("/images/template-logos/sandbox-mail.svg"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await Sandbox.Control.ResetAsync();
        using var back = await Http.GetAsync(Url("/images/template-logos/sandbox-mail.svg"));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Unknown_provider_is_404_not_found()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/providers/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", ErrorCode(body));
    }

    [Fact]
    public async Task Integration_crud_follows_nango()
    {
        var create = new
        {
            provider = "sandbox-mail", unique_key = "mail-two", display_name = "Mail Two",
            credentials = new { type = "OAUTH2", client_id = "c2", client_secret = "s2", scopes = "mail.read" },
        };
        var (created, body) = await CallAsync(HttpMethod.Post, "/integrations", create);
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("mail-two", body!["data"]!["unique_key"]!.GetValue<string>());
        Assert.Null(body["data"]!["credentials"]);

        var (duplicate, dup) = await CallAsync(HttpMethod.Post, "/integrations", create);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate);
        Assert.Equal(["uniqueKey"], ErrorPath(dup));

        var (_, withCredentials) = await CallAsync(HttpMethod.Get, "/integrations/mail-two?include=credentials&include=webhook");
        Assert.Equal("c2", withCredentials!["data"]!["credentials"]!["client_id"]!.GetValue<string>());
        Assert.NotNull(withCredentials["data"]!["webhook_url"]);

        var (patched, renamed) = await CallAsync(HttpMethod.Patch, "/integrations/mail-two", new { unique_key = "mail-2", display_name = "M2" });
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("M2", renamed!["data"]!["display_name"]!.GetValue<string>());

        var (deleted, success) = await CallAsync(HttpMethod.Delete, "/integrations/mail-2");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.True(success!["success"]!.GetValue<bool>());
        var (again, gone) = await CallAsync(HttpMethod.Delete, "/integrations/mail-2");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("not_found", ErrorCode(gone));
    }

    [Fact]
    public async Task Integration_validation_errors_match_nango()
    {
        var (_, invalidProvider) = await CallAsync(HttpMethod.Post, "/integrations", new { provider = "nope", unique_key = "x" });
        Assert.Equal("Invalid provider", invalidProvider!["error"]!["errors"]![0]!["message"]!.GetValue<string>());

        var (status, missing) = await CallAsync(HttpMethod.Post, "/integrations", new { provider = "sandbox-mail", unique_key = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Missing credentials", missing!["error"]!["message"]!.GetValue<string>());

        var (_, badScopes) = await CallAsync(HttpMethod.Post, "/integrations", new
        {
            provider = "sandbox-mail", unique_key = "x", credentials = new { type = "OAUTH2", client_id = "c", client_secret = "s", scopes = "a b" },
        });
        Assert.Equal("invalid_body", ErrorCode(badScopes));

        var (notFound, _) = await CallAsync(HttpMethod.Get, "/integrations/nope");
        Assert.Equal(HttpStatusCode.NotFound, notFound);
    }

    [Fact]
    public async Task A_session_token_sees_only_its_allowed_integrations()
    {
        var token = await CreateNangoSessionAsync(allowed: ["sandbox-crm"]);
        var (status, body) = await CallAsync(HttpMethod.Get, "/integrations", bearer: token);
        Assert.Equal(HttpStatusCode.OK, status);
        var keys = body!["data"]!.AsArray().Select(i => i!["unique_key"]!.GetValue<string>());
        Assert.Equal(["sandbox-crm"], keys);

        var (providerStatus, _) = await CallAsync(HttpMethod.Get, "/providers/sandbox-crm", bearer: token);
        Assert.Equal(HttpStatusCode.OK, providerStatus);
    }
}
