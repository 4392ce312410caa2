using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Nango;
using CybrLink.Sandbox;

namespace CybrLink.Tests.Nango;

/// <summary>
/// CybrLink's Nango client against the sandbox over real HTTP: the same calls as <see cref="NangoApiTests"/>, with the
/// shapes coming from the emulator of NANGO.md instead of recordings. If the two ever disagree, one of them is wrong.
/// </summary>
public sealed class NangoContractTests : IAsyncLifetime
{
    private RunningSandbox _sandbox = null!;
    private NangoClientFixture _client = null!;
    private readonly HttpClient _raw = new();

    private INangoApi Api => _client.Api;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _client = new NangoClientFixture(_sandbox.BaseUrl, _sandbox.Options.SecretKey, recorded: false);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _raw.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Health() => Assert.Equal("ok", (await Api.GetHealthAsync()).Result);

    [Theory]
    [InlineData("not-a-uuid", "invalid_secret_key_format")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e", "unknown_account")]
    public async Task A_wrong_secret_key_gets_nangos_401_code(string key, string code)
    {
        using var wrong = new NangoClientFixture(_sandbox.BaseUrl, key, recorded: false);

        var e = await Assert.ThrowsAsync<NangoApiException>(() => wrong.Api.ListIntegrationsAsync());

        Assert.Equal((HttpStatusCode.Unauthorized, code), (e.Status, e.Code));
    }

    [Fact]
    public async Task Providers_list_search_get_and_unknown()
    {
        var all = (await Api.ListProvidersAsync()).Data;
        Assert.Contains(all, p => p.Name == "sandbox-mail" && p.AuthMode == "OAUTH2");

        var crm = Assert.Single((await Api.ListProvidersAsync("crm")).Data);
        Assert.Equal("API_KEY", crm.AuthMode);

        var detailed = (await Api.GetProviderAsync("sandbox-crm")).Data;
        Assert.Equal("Subdomain", detailed.ConnectionConfig!["subdomain"].Title);
        Assert.EndsWith("/images/template-logos/sandbox-crm.svg", detailed.LogoUrl);

        var e = await Assert.ThrowsAsync<NangoApiException>(() => Api.GetProviderAsync("nope"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (e.Status, e.Code));
    }

    [Fact]
    public async Task Integrations_crud_and_errors()
    {
        Assert.Equal(3, (await Api.ListIntegrationsAsync()).Data.Count);

        var created = (await Api.CreateIntegrationAsync(new NangoCreateIntegrationRequest
        {
            Provider = "sandbox-crm", UniqueKey = "crm-eu", DisplayName = "CRM (EU)",
        })).Data;
        Assert.Equal(("crm-eu", "sandbox-crm", "CRM (EU)"), (created.UniqueKey, created.Provider, created.DisplayName));

        var duplicate = await Assert.ThrowsAsync<NangoApiException>(() => Api.CreateIntegrationAsync(
            new NangoCreateIntegrationRequest { Provider = "sandbox-crm", UniqueKey = "crm-eu" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (duplicate.Status, duplicate.Code));

        var badProvider = await Assert.ThrowsAsync<NangoApiException>(() => Api.CreateIntegrationAsync(
            new NangoCreateIntegrationRequest { Provider = "nope", UniqueKey = "x" }));
        Assert.Contains(badProvider.Issues, i => i.Message == "Invalid provider");

        var updated = (await Api.UpdateIntegrationAsync("crm-eu", new NangoUpdateIntegrationRequest { DisplayName = "CRM Europe" })).Data;
        Assert.Equal("CRM Europe", updated.DisplayName);
        Assert.Equal("CRM Europe", (await Api.GetIntegrationAsync("crm-eu")).Data.DisplayName);

        Assert.True((await Api.DeleteIntegrationAsync("crm-eu")).Success);
        var gone = await Assert.ThrowsAsync<NangoApiException>(() => Api.GetIntegrationAsync("crm-eu"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (gone.Status, gone.Code));
        var goneUpdate = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.UpdateIntegrationAsync("crm-eu", new NangoUpdateIntegrationRequest { DisplayName = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, goneUpdate.Status);
        var goneDelete = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteIntegrationAsync("crm-eu"));
        Assert.Equal(HttpStatusCode.NotFound, goneDelete.Status);
    }

    [Fact]
    public async Task Connect_sessions_create_reconnect_and_revoke()
    {
        var session = (await Api.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
        {
            EndUser = new NangoEndUser { Id = "u-1", Email = "ada@example.com" },
            AllowedIntegrations = ["sandbox-crm"],
            Tags = new Dictionary<string, string> { ["CybrLink_Session_Id"] = "s-1" },
        })).Data;
        Assert.Matches("^nango_connect_session_[0-9a-f]{64}$", session.Token);
        Assert.InRange(session.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        await Api.DeleteConnectSessionAsync(session.Token);
        var revoked = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteConnectSessionAsync(session.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.Status);

        var noEndUser = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest { AllowedIntegrations = ["sandbox-crm"] }));
        Assert.Equal("invalid_body", noEndUser.Code);
        Assert.Equal("end_user", Assert.Single(noEndUser.Issues).Path![0].GetString());

        var unknown = await Assert.ThrowsAsync<NangoApiException>(() => Api.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
        {
            EndUser = new NangoEndUser { Id = "u-1" }, AllowedIntegrations = ["nope"],
        }));
        Assert.Equal(["allowed_integrations", "0"], Assert.Single(unknown.Issues).Path!.Select(p => p.ToString()));

        await ImportAsync("c-1", "sandbox-crm", new { type = "API_KEY", apiKey = "sbx_canary_typed" });
        var reconnect = (await Api.CreateReconnectSessionAsync(new NangoReconnectSessionRequest
        {
            ConnectionId = "c-1", IntegrationId = "sandbox-crm",
        })).Data;
        Assert.StartsWith("nango_connect_session_", reconnect.Token);

        var badReconnect = await Assert.ThrowsAsync<NangoApiException>(() => Api.CreateReconnectSessionAsync(
            new NangoReconnectSessionRequest { ConnectionId = "nope", IntegrationId = "sandbox-crm" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (badReconnect.Status, badReconnect.Code));
    }

    [Fact]
    public async Task Connections_list_filters_and_delete()
    {
        await ImportAsync("c-1", "sandbox-crm", new { type = "API_KEY", apiKey = "k1" }, new { cybrlink_session_id = "s-1" });
        await ImportAsync("c-2", "sandbox-helpdesk", new { type = "BASIC", username = "u", password = "p" }, new { cybrlink_session_id = "s-2" });

        var bySession = await Api.ListConnectionsAsync(new NangoConnectionFilter
        {
            Tags = new Dictionary<string, string> { ["cybrlink_session_id"] = "s-2" },
        });
        Assert.Equal("c-2", Assert.Single(bySession.Connections).ConnectionId);

        var byIntegration = await Api.ListConnectionsAsync(new NangoConnectionFilter { IntegrationIds = ["sandbox-crm"], ConnectionId = "c-1" });
        Assert.Equal("sandbox-crm", Assert.Single(byIntegration.Connections).ProviderConfigKey);

        var paged = await Api.ListConnectionsAsync(new NangoConnectionFilter { Limit = 1, Page = 1 });
        Assert.Equal("c-1", Assert.Single(paged.Connections).ConnectionId); // newest first

        // Strict inputs: an unexpected query parameter is Nango's 400.
        var strict = await Assert.ThrowsAsync<NangoApiException>(() =>
            Api.ListConnectionsAsync(new Dictionary<string, string> { ["connection_id"] = "c-1" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_query_params"), (strict.Status, strict.Code));

        Assert.True((await Api.DeleteConnectionAsync("c-1", "sandbox-crm")).Success);
        var again = await Assert.ThrowsAsync<NangoApiException>(() => Api.DeleteConnectionAsync("c-1", "sandbox-crm"));
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_connection"), (again.Status, again.Code));
    }

    [Fact]
    public async Task Proxy_reaches_the_echo_upstream_with_the_injected_credential()
    {
        await ImportAsync("mail-1", "sandbox-mail", new { type = "OAUTH2", access_token = "sbx_canary_imported_token" });

        using var response = await _client.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Post,
            Path = "messages/send",
            Query = "draft=false",
            ConnectionId = "mail-1",
            ProviderConfigKey = "sandbox-mail",
            ProviderHeaders = new Dictionary<string, string> { ["X-Foo"] = "bar" },
            Content = new StringContent("""{"to":"bob@example.com"}""", Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal(CybrLink.Tests.Sandbox.EchoProof.Of("Bearer sbx_canary_imported_token"), echo.GetProperty("headers").GetProperty("authorization").GetString());
        Assert.Equal("bar", echo.GetProperty("headers").GetProperty("x-foo").GetString());
        Assert.Equal("""{"to":"bob@example.com"}""", echo.GetProperty("body").GetString());

        using var unknown = await _client.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Get, Path = "me", ConnectionId = "nope", ProviderConfigKey = "sandbox-mail",
        });
        var error = await NangoApiException.FromResponseAsync(unknown);
        Assert.Equal((HttpStatusCode.BadRequest, "server_error"), (error.Status, error.Code));
    }

    [Fact]
    public async Task An_unreachable_sandbox_is_NangoUnavailable()
    {
        var baseUrl = _sandbox.BaseUrl;
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

        using var gone = new NangoClientFixture(baseUrl, "0f8fad5b-d9cb-469f-a165-70867728950e", recorded: false);
        await Assert.ThrowsAsync<NangoUnavailableException>(() => gone.Api.GetHealthAsync());
    }

    // The client has no import call (CybrLink never handles credentials); tests seed connections like an operator would.
    private async Task ImportAsync(string connectionId, string integration, object credentials, object? tags = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _sandbox.BaseUrl + "/connections")
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["provider_config_key"] = integration,
                ["connection_id"] = connectionId,
                ["credentials"] = credentials,
                ["tags"] = tags,
            }.Where(p => p.Value is not null).ToDictionary()),
        };
        request.Headers.Authorization = new("Bearer", _sandbox.Options.SecretKey);
        using var response = await _raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
