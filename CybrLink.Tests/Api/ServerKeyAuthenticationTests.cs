using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.ServerKeys;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Api;

public class ServerKeyAuthenticationTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public ServerKeyAuthenticationTests() => _app = new CybrLinkAppFactory(provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Me_answers_which_key_called()
    {
        var token = await _app.CreateServerKeyAsync("billing backend");
        using var client = _app.CreateClientWithKey(token);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal("billing backend", me.GetProperty("key_name").GetString());
        Assert.Equal("server", me.GetProperty("key_kind").GetString());
        Assert.True(Guid.TryParse(me.GetProperty("key_id").GetString(), out _));
        // The request log names method, path and status, never the key.
        var requestLine = Assert.Single(_app.Logs.Lines, l => l.Contains("HTTP \"GET\" \"/api/v1/me\" responded 200"));
        Assert.DoesNotContain(token, _app.Logs.All);
        Assert.DoesNotContain("Authorization", requestLine);
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("Basic dXNlcjpwYXNz", "malformed_authorization")]
    [InlineData("Bearer", "malformed_authorization")]
    [InlineData("Bearer not-a-key", "invalid_api_key")]
    [InlineData("Bearer cbl_", "invalid_api_key")]
    [InlineData("Bearer cbl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_api_key")]
    public async Task Missing_malformed_or_unknown_keys_get_401_problem_details(string? authorization, string code)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, code);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_key_with_one_character_changed_is_refused()
    {
        var token = await _app.CreateServerKeyAsync();
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        using var client = _app.CreateClientWithKey(tampered);

        using var response = await client.GetAsync("/api/v1/me");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_from_the_next_request()
    {
        var token = await _app.CreateServerKeyAsync();
        using var client = _app.CreateClientWithKey(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        var keys = _app.Services.GetRequiredService<ServerKeyService>();
        var key = Assert.Single(await keys.ListAsync());
        Assert.True(await keys.RevokeAsync(key.Id));

        using var response = await client.GetAsync("/api/v1/me");
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.False(await keys.RevokeAsync(key.Id));
    }

    [Fact]
    public async Task Use_is_recorded_as_last_used()
    {
        var token = await _app.CreateServerKeyAsync();
        var keys = _app.Services.GetRequiredService<ServerKeyService>();
        Assert.Null(Assert.Single(await keys.ListAsync()).LastUsedAt);

        using var client = _app.CreateClientWithKey(token);
        await client.GetAsync("/api/v1/me");

        Assert.NotNull(Assert.Single(await keys.ListAsync()).LastUsedAt);
    }

    [Fact]
    public async Task The_database_holds_no_key_in_plain_text()
    {
        var tokens = new[] { await _app.CreateServerKeyAsync("a"), await _app.CreateServerKeyAsync("b") };

        var bytes = _app.ReadDatabaseText();

        foreach (var token in tokens)
        {
            // Neither the key nor its secret part (after the display prefix) is anywhere in the files.
            Assert.DoesNotContain(token, bytes);
            Assert.DoesNotContain(token[ServerKey.DisplayPrefixLength..], bytes);
        }
    }

    [Fact]
    public async Task Unknown_api_routes_are_problem_details_even_for_browsers()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/does-not-exist");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    /// <returns>The problem document, for further assertions (the body can be read only once).</returns>
    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }
}
