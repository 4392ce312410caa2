using System.Net;

namespace CybrLink.Tests.Sandbox;

/// <summary>The API-key and basic endpoints a browser posts to directly.</summary>
public sealed class BrowserAuthTests : SandboxHarness
{
    [Fact]
    public async Task Api_key_creates_a_connection_with_the_session_end_user_and_tags()
    {
        var token = await CreateNangoSessionAsync("u7", tags: new { cybrlink_session_id = "s7" });
        var (status, body) = await CallAsync(HttpMethod.Post,
            $"/api-auth/api-key/sandbox-crm?connect_session_token={token}&params[subdomain]=acme", new { apiKey = "secret" }, bearer: null);
        Assert.Equal(HttpStatusCode.OK, status);
        var id = body!["connectionId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("sandbox-crm", body["providerConfigKey"]!.GetValue<string>());

        var listed = (await ListConnectionsAsync("?tags[cybrlink_session_id]=s7")).Single()!;
        Assert.Equal(id, listed["connection_id"]!.GetValue<string>());
        Assert.Equal("u7", listed["end_user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Basic_creates_a_connection()
    {
        var token = await CreateNangoSessionAsync();
        var (status, body) = await CallAsync(HttpMethod.Post, $"/api-auth/basic/sandbox-helpdesk?connect_session_token={token}",
            new { username = "agent", password = "pw" }, bearer: null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("sandbox-helpdesk", body!["providerConfigKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Browser_auth_errors_match_nango()
    {
        var token = await CreateNangoSessionAsync(allowed: ["sandbox-crm", "sandbox-mail"]);
        async Task<(HttpStatusCode, string)> Post(string path, object body)
        {
            var (status, json) = await CallAsync(HttpMethod.Post, path, body, bearer: null);
            return (status, ErrorCode(json));
        }

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"),
            await Post($"/api-auth/api-key/sandbox-crm?connect_session_token={token}&params[subdomain]=a", new { apiKey = "k", extra = 1 }));
        Assert.Equal((HttpStatusCode.Unauthorized, "missing_public_key"),
            await Post("/api-auth/api-key/sandbox-crm", new { apiKey = "k" }));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_connect_session_token_format"),
            await Post("/api-auth/api-key/sandbox-crm?connect_session_token=bad", new { apiKey = "k" }));
        Assert.Equal((HttpStatusCode.Unauthorized, "unknown_connect_session_token"),
            await Post($"/api-auth/api-key/sandbox-crm?connect_session_token=nango_connect_session_{new string('a', 64)}", new { apiKey = "k" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_auth_mode"),
            await Post($"/api-auth/api-key/sandbox-mail?connect_session_token={token}", new { apiKey = "k" }));
        Assert.Equal((HttpStatusCode.BadRequest, "integration_not_allowed"),
            await Post($"/api-auth/basic/sandbox-helpdesk?connect_session_token={token}", new { username = "u", password = "p" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_query_params"),
            await Post($"/api-auth/api-key/sandbox-crm?connect_session_token={token}&connection_id=mine", new { apiKey = "k" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_connection_config"),
            await Post($"/api-auth/api-key/sandbox-crm?connect_session_token={token}", new { apiKey = "k" }));
    }

    [Fact]
    public async Task Session_connection_config_defaults_win_over_params()
    {
        var token = await CreateNangoSessionAsync(new
        {
            end_user = new { id = "u" },
            integrations_config_defaults = new Dictionary<string, object> { ["sandbox-crm"] = new { connection_config = new { subdomain = "from-session" } } },
        });
        var id = await ConnectApiKeyAsync(token, subdomain: "from-browser");

        var store = (CybrLink.Sandbox.Store.SandboxStore)Sandbox.Services.GetService(typeof(CybrLink.Sandbox.Store.SandboxStore))!;
        Assert.Equal("from-session", store.FindConnection("sandbox-crm", id)!.ConnectionConfig["subdomain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preflight_and_errors_are_readable_cross_origin()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, Url("/api-auth/api-key/sandbox-crm?connect_session_token=x"));
        preflight.Headers.Add("Origin", "http://connect.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var answer = await Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var post = Request(HttpMethod.Post, Url("/api-auth/api-key/sandbox-crm?connect_session_token=x"), new { apiKey = "k" });
        post.Headers.Add("Origin", "http://connect.test");
        using var refused = await Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("*", refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
