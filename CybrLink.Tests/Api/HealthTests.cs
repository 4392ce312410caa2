using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Api;

public sealed class HealthTests : IAsyncLifetime
{
    // The factory's default Nango is a closed port on 127.0.0.1.
    private readonly CybrLinkAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Live_is_200_even_when_nango_is_down()
    {
        using var response = await _app.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_and_names_the_nango_check_when_nango_is_unreachable()
    {
        using var response = await _app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("nango").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.DoesNotContain(_app.Logs.Lines, l => l.StartsWith("Error") || l.StartsWith("Fatal"));
    }

    [Fact]
    public async Task OpenApi_declares_the_bearer_scheme_on_secured_operations()
    {
        var document = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        Assert.Contains(operations, o => o.Path == "/api/v1/connect-sessions" && o.Method == "post");
        foreach (var (path, method, operation) in operations)
        {
            // Every server-key operation declares the scheme; the webhook is signed by Nango instead.
            var secured = operation.TryGetProperty("security", out var security) && security[0].TryGetProperty("bearer", out _);
            Assert.True(secured == (path != "/api/v1/webhooks/nango"), $"{method} {path}");
        }
    }

    [Fact]
    public async Task Docs_are_browsable()
    {
        var client = _app.CreateClient();
        using var response = await client.GetAsync("/docs/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType!.ToString());
        // The reference page loads CybrLink's own document (Scalar resolves its source against the app's base path)...
        var html = await response.Content.ReadAsStringAsync();
        var sources = JsonDocument.Parse(Regex.Match(html, "\"sources\":(\\[[^\\]]*\\])").Groups[1].Value).RootElement;
        var source = new Uri(new Uri("http://cybrlink.test/"), Assert.Single(sources.EnumerateArray()).GetProperty("url").GetString()).AbsolutePath;
        Assert.Equal("/openapi/v1.json", source);
        // ...and that document describes CybrLink's API.
        var document = await client.GetFromJsonAsync<JsonElement>(source);
        Assert.Equal("CybrLink API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/connect-sessions", paths);
        Assert.Contains("/api/v1/connections", paths);
        Assert.Contains("/api/v1/me", paths);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        using var response = await _app.CreateClient().GetAsync("/account/login");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
