using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace CybrLink.Tests.Sandbox;

public sealed class ProxyTests : SandboxHarness
{
    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> ProxyAsync(
        string connectionId, string key, string path = "/v1/messages?folder=inbox", HttpMethod? method = null, string? body = null,
        Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(method ?? HttpMethod.Get, Url("/proxy" + path), bearer: SecretKey);
        request.Headers.Add("Connection-Id", connectionId);
        request.Headers.Add("Provider-Config-Key", key);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        configure?.Invoke(request);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null, response);
    }

    [Fact]
    public async Task OAuth2_call_reaches_the_echo_with_the_canary_bearer_and_forwarded_parts()
    {
        var id = await ConnectOAuthAsync(await CreateNangoSessionAsync());
        const string payload = """{"subject":"hi","n":1}""";
        var (status, echo, response) = await ProxyAsync(id, "sandbox-mail", method: HttpMethod.Post, body: payload,
            configure: r => r.Headers.Add("Nango-Proxy-X-Foo", "bar"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("POST", echo!["method"]!.GetValue<string>());
        Assert.Equal("/v1/messages", echo["path"]!.GetValue<string>());
        Assert.Equal("inbox", echo["query"]!["folder"]!.GetValue<string>());
        Assert.Equal(payload, echo["body"]!.GetValue<string>());
        AssertProofOnly(echo["headers"]!["authorization"]!.GetValue<string>());
        Assert.Equal("bar", echo["headers"]!["x-foo"]!.GetValue<string>());
        Assert.Null(echo["headers"]!["connection-id"]);
        Assert.Null(echo["headers"]!["nango-proxy-x-foo"]);
    }

    [Fact]
    public async Task The_echo_shows_a_credential_only_as_a_hash_prefix_of_its_exact_value()
    {
        // SHA-256("abc") = ba7816bf…: the form is fixed, so a client can check which credential arrived.
        Assert.Equal("present, sha256:ba7816bf", EchoProof.Of("abc"));

        var crm = await ConnectApiKeyAsync(await CreateNangoSessionAsync(), apiKey: "sbx_canary_typed_key");
        var (_, raw, response) = await ProxyAsync(crm, "sandbox-crm", configure: r => r.Headers.Add("Nango-Proxy-X-Trace", "t-1"));
        var text = raw!.ToJsonString();
        Assert.DoesNotContain("sbx_canary_", text);
        Assert.Equal(EchoProof.Of("sbx_canary_typed_key"), raw["headers"]!["x-api-key"]!.GetValue<string>());
        // Headers that are not the provider's credential are echoed as they arrived.
        Assert.Equal("t-1", raw["headers"]!["x-trace"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static void AssertProofOnly(string echoed)
    {
        Assert.Matches("^present, sha256:[0-9a-f]{8}$", echoed);
        Assert.DoesNotContain("sbx_canary_", echoed);
    }

    [Fact]
    public async Task Api_key_and_basic_credentials_are_injected_as_the_provider_says()
    {
        var crm = await ConnectApiKeyAsync(await CreateNangoSessionAsync(), apiKey: "crm-key");
        var (_, crmEcho, _) = await ProxyAsync(crm, "sandbox-crm");
        Assert.Equal(EchoProof.Of("crm-key"), crmEcho!["headers"]!["x-api-key"]!.GetValue<string>());

        var token = await CreateNangoSessionAsync();
        var (_, basic) = await CallAsync(HttpMethod.Post, $"/api-auth/basic/sandbox-helpdesk?connect_session_token={token}",
            new { username = "agent", password = "pw" }, bearer: null);
        var (_, helpdeskEcho, _) = await ProxyAsync(basic!["connectionId"]!.GetValue<string>(), "sandbox-helpdesk");
        Assert.Equal(EchoProof.Of($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("agent:pw"))}"),
            helpdeskEcho!["headers"]!["authorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nango_side_errors_use_the_envelope()
    {
        var (unknownConnection, body, _) = await ProxyAsync("nope", "sandbox-mail");
        Assert.Equal(HttpStatusCode.BadRequest, unknownConnection);
        Assert.Equal("server_error", ErrorCode(body));
        Assert.Equal("Failed to get connection", body!["error"]!["message"]!.GetValue<string>());

        var (unknownKey, unknown, _) = await ProxyAsync("nope", "nope");
        Assert.Equal(HttpStatusCode.NotFound, unknownKey);
        Assert.Equal("unknown_provider_config", ErrorCode(unknown));

        using var noHeader = Request(HttpMethod.Get, Url("/proxy/x"), bearer: SecretKey);
        noHeader.Headers.Add("Provider-Config-Key", "sandbox-mail");
        var (missing, invalid) = await SendAsync(noHeader);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("invalid_headers", ErrorCode(invalid));
    }

    [Fact]
    public async Task Upstream_fault_status_comes_back_then_calls_succeed_again()
    {
        var id = await ConnectApiKeyAsync(await CreateNangoSessionAsync());
        await Sandbox.Control.FailUpstreamAsync(503, count: 1);

        var (failed, body, _) = await ProxyAsync(id, "sandbox-crm");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed);
        Assert.Equal("sandbox_fault", body!["error"]!.GetValue<string>());
        var (ok, _, _) = await ProxyAsync(id, "sandbox-crm");
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task Expired_token_is_refreshed_before_the_call()
    {
        var id = await ConnectOAuthAsync(await CreateNangoSessionAsync());
        var (_, first, _) = await ProxyAsync(id, "sandbox-mail");
        var before = first!["headers"]!["authorization"]!.GetValue<string>();

        await Sandbox.Control.ExpireAccessTokenAsync("sandbox-mail", id);
        var (status, second, _) = await ProxyAsync(id, "sandbox-mail");
        Assert.Equal(HttpStatusCode.OK, status);
        var after = second!["headers"]!["authorization"]!.GetValue<string>();
        AssertProofOnly(after);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Failed_refresh_is_reported_then_backs_off_with_424()
    {
        var id = await ConnectOAuthAsync(await CreateNangoSessionAsync());
        await Sandbox.Control.FailRefreshAsync();
        await Sandbox.Control.ExpireAccessTokenAsync("sandbox-mail", id);

        var (failed, body, _) = await ProxyAsync(id, "sandbox-mail");
        Assert.Equal(HttpStatusCode.BadRequest, failed);
        Assert.Equal("server_error", ErrorCode(body));

        var (backoff, again, _) = await ProxyAsync(id, "sandbox-mail");
        Assert.Equal((HttpStatusCode)424, backoff);
        Assert.Equal("connection_refresh_backoff", ErrorCode(again));

        var listed = (await ListConnectionsAsync($"?connectionId={id}")).Single()!;
        Assert.Equal("auth", listed["errors"]![0]!["type"]!.GetValue<string>());
    }
}
