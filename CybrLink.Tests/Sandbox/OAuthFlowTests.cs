using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Tests.Sandbox;

/// <summary>The OAuth2 code flow driven with plain HTTP, as a popup would follow it.</summary>
public sealed class OAuthFlowTests : SandboxHarness
{
    [Fact]
    public async Task Connect_redirects_to_the_provider_with_pkce()
    {
        var token = await CreateNangoSessionAsync();
        using var response = await Http.GetAsync(Url($"/oauth/connect/sandbox-mail?connect_session_token={token}"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal($"{Sandbox.BaseUrl}/_provider/sandbox-mail/authorize", location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal($"{Sandbox.BaseUrl}/oauth/callback", query["redirect_uri"].ToString());
        Assert.Equal("mail.read mail.send", query["scope"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.True(Guid.TryParse(query["state"], out _));
    }

    [Fact]
    public async Task Approving_creates_the_connection_with_the_session_end_user_and_tags()
    {
        var token = await CreateNangoSessionAsync("u5", tags: new { cybrlink_session_id = "s5" });
        using var callback = await RunOAuthAsync(token);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("nango_oauth_callback_success", await callback.Content.ReadAsStringAsync());

        var connection = (await ListConnectionsAsync("?tags[cybrlink_session_id]=s5")).Single()!;
        Assert.Equal("sandbox-mail", connection["provider_config_key"]!.GetValue<string>());
        Assert.Equal("u5", connection["end_user"]!["id"]!.GetValue<string>());
        Assert.True(Guid.TryParse(connection["connection_id"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task Wrong_pkce_verifier_fails_the_exchange_and_creates_nothing()
    {
        var token = await CreateNangoSessionAsync();
        using var callback = await RunOAuthAsync(token, tamperChallenge: true);
        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        var html = await callback.Content.ReadAsStringAsync();
        Assert.Contains("nango_oauth_callback_error", html);
        Assert.Contains("PKCE verification failed", html);
        Assert.Empty(await ListConnectionsAsync());
    }

    [Fact]
    public async Task Denying_returns_the_error_page_with_connection_validation_failed()
    {
        var token = await CreateNangoSessionAsync();
        using var callback = await RunOAuthAsync(token, approve: false);
        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        var html = await callback.Content.ReadAsStringAsync();
        Assert.Contains("connection_validation_failed", html);
        Assert.Contains("access_denied", html);
        Assert.Empty(await ListConnectionsAsync());
    }

    [Fact]
    public async Task Connect_errors_match_nango()
    {
        var (missing, noToken) = await CallAsync(HttpMethod.Get, "/oauth/connect/sandbox-mail", bearer: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("missing_public_key", ErrorCode(noToken));

        var (badFormat, bad) = await CallAsync(HttpMethod.Get, "/oauth/connect/sandbox-mail?connect_session_token=oops", bearer: null);
        Assert.Equal(HttpStatusCode.Unauthorized, badFormat);
        Assert.Equal("invalid_connect_session_token_format", ErrorCode(bad));

        var token = await CreateNangoSessionAsync(allowed: ["sandbox-crm"]);
        var (notAllowed, refused) = await CallAsync(HttpMethod.Get, $"/oauth/connect/sandbox-mail?connect_session_token={token}", bearer: null);
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed);
        Assert.Equal("integration_not_allowed", ErrorCode(refused));
    }

    [Fact]
    public async Task Connect_refuses_an_integration_that_is_not_oauth()
    {
        var token = await CreateNangoSessionAsync(allowed: ["sandbox-crm"]);
        using var response = await Http.GetAsync(Url($"/oauth/connect/sandbox-crm?connect_session_token={token}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_auth_mode", ErrorCode(JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task WebSocket_receives_ack_then_success_with_the_connection_id()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(Sandbox.BaseUrl.Replace("http://", "ws://") + "/"), CancellationToken.None);
        var ack = await ReceiveAsync(socket);
        Assert.Equal("connection_ack", ack["message_type"]!.GetValue<string>());
        var wsClientId = ack["ws_client_id"]!.GetValue<string>();

        using var callback = await RunOAuthAsync(await CreateNangoSessionAsync(), wsClientId);
        var success = await ReceiveAsync(socket);
        Assert.Equal("success", success["message_type"]!.GetValue<string>());
        Assert.Equal("sandbox-mail", success["provider_config_key"]!.GetValue<string>());
        Assert.False(success["is_pending"]!.GetValue<bool>());
        var listed = await ListConnectionsAsync($"?connectionId={success["connection_id"]!.GetValue<string>()}");
        Assert.Single(listed);
    }

    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!;
    }
}
