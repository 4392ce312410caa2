using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CybrLink.Sandbox.Control;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Sandbox;

/// <summary>What applies to every Nango endpoint: auth codes, 415, strict inputs, error envelope, faults.</summary>
public sealed class ApiConventionsTests : SandboxHarness
{
    [Fact]
    public async Task Health_needs_no_auth()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/health", bearer: null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body!["result"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "missing_auth_header")]
    [InlineData("Bearer ", "invalid_secret_key_format")]
    [InlineData("Bearer not-a-uuid", "invalid_secret_key_format")]
    [InlineData("Bearer 3f2b8c1e-5d4a-4c2b-9e1f-0a1b2c3d4e5f", "unknown_account")]
    public async Task Secret_key_auth_failures_use_nangos_401_codes(string? header, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("/integrations"));
        if (header is not null)
            request.Headers.TryAddWithoutValidation("Authorization", header);
        var (status, body) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(code, ErrorCode(body));
    }

    [Fact]
    public async Task Json_routes_refuse_other_content_types_with_415()
    {
        using var request = Request(HttpMethod.Post, Url("/connect/sessions"), bearer: SecretKey);
        request.Content = new StringContent("{}", Encoding.UTF8, "text/plain");
        var (status, body) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("invalid_content_type", ErrorCode(body));
    }

    [Fact]
    public async Task Unknown_body_field_is_invalid_body_with_zod_issue()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions", new { end_user = new { id = "u" }, surprise = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_body", ErrorCode(body));
        var issue = body!["error"]!["errors"]![0]!;
        Assert.Equal("unrecognized_keys", issue["code"]!.GetValue<string>());
        Assert.Contains("'surprise'", issue["message"]!.GetValue<string>());
        Assert.Empty(issue["path"]!.AsArray());
    }

    [Fact]
    public async Task Any_unexpected_query_parameter_is_invalid_query_params()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions?foo=1", new { end_user = new { id = "u" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_query_params", ErrorCode(body));
        Assert.NotEmpty(body!["error"]!["errors"]!.AsArray());
    }

    [Fact]
    public async Task Malformed_json_is_invalid_json()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/connect/sessions", "{\"end_user\":");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", ErrorCode(body));
    }

    [Fact]
    public async Task Api_fault_answers_generic_error_support_for_the_given_count()
    {
        await Sandbox.Control.FailApiAsync(count: 1);
        var (status, body) = await CallAsync(HttpMethod.Get, "/integrations");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("generic_error_support", ErrorCode(body));
        Assert.Contains(body!["error"]!["payload"]!.GetValue<string>(), body["error"]!["message"]!.GetValue<string>());

        var (after, _) = await CallAsync(HttpMethod.Get, "/integrations");
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task Hanging_api_answers_only_after_reset()
    {
        await Sandbox.Control.HangApiAsync();
        var pending = CallAsync(HttpMethod.Get, "/integrations");
        // The sandbox signals when it holds the call; from then on only a reset can answer it.
        await Sandbox.Services.GetRequiredService<FaultState>().Hanging.WaitAsync(Patience);
        Assert.False(pending.IsCompleted);

        await Sandbox.Control.ResetAsync();
        var (status, _) = await pending.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Get_one_connection_with_credentials_is_not_served()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/connections/some-id?provider_config_key=sandbox-mail");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", ErrorCode(body));
    }

    [Fact]
    public async Task Logos_are_served_as_svg()
    {
        using var response = await Http.GetAsync(Url("/images/template-logos/sandbox-crm.svg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Connect_session_token_cannot_use_secret_key_routes()
    {
        var token = await CreateNangoSessionAsync();
        var (status, body) = await CallAsync(HttpMethod.Get, "/connections", bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_secret_key_format", ErrorCode(body));
    }

    [Fact]
    public async Task Preflight_answers_204_with_nangos_cors_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Url("/connect/session"));
        request.Headers.Add("Origin", "http://elsewhere.test");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Contains("Connection-Id", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }
}
