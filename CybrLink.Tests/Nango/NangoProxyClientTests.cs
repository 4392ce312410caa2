using System.Net;
using System.Text;
using CybrLink.Core.Nango;

namespace CybrLink.Tests.Nango;

public sealed class NangoProxyClientTests : IDisposable
{
    private readonly NangoClientFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Sends_connection_headers_prefixed_provider_headers_and_the_body()
    {
        _fx.Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent("""{"id":42}""", Encoding.UTF8, "application/json"),
        });

        using var response = await _fx.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Post,
            Path = "/repos/acme/app/issues",
            Query = "per_page=5",
            ConnectionId = "c-1",
            ProviderConfigKey = "github-prod",
            ProviderHeaders = new Dictionary<string, string> { ["X-Foo"] = "bar" },
            Content = new StringContent("""{"title":"hi"}""", Encoding.UTF8, "application/json"),
        });

        var sent = Assert.Single(_fx.Nango.Sent);
        Assert.Equal("POST /proxy/repos/acme/app/issues?per_page=5", $"{sent.Method} {sent.PathAndQuery}");
        Assert.Equal("c-1", sent.Headers["Connection-Id"]);
        Assert.Equal("github-prod", sent.Headers["Provider-Config-Key"]);
        Assert.Equal("bar", sent.Headers["Nango-Proxy-X-Foo"]);
        Assert.False(sent.Headers.ContainsKey("Base-Url-Override"));
        Assert.Equal($"Bearer {NangoClientFixture.SecretKey}", sent.Headers["Authorization"]);
        Assert.Equal("""{"title":"hi"}""", sent.Body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"id":42}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task Any_method_goes_through(string method)
    {
        _fx.Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.NoContent));

        using var response = await _fx.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = new HttpMethod(method), Path = "items/1", ConnectionId = "c", ProviderConfigKey = "k",
        });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(method, Assert.Single(_fx.Nango.Sent).Method.Method);
    }

    [Fact]
    public async Task Nango_and_upstream_errors_come_back_as_responses_not_retried()
    {
        _fx.Nango.Answer(HttpStatusCode.BadRequest, """{"error":{"code":"server_error","message":"Failed to get connection"}}""");

        using var response = await _fx.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Get, Path = "user", ConnectionId = "nope", ProviderConfigKey = "github-prod",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await NangoApiException.FromResponseAsync(response);
        Assert.Equal("server_error", error.Code);
        Assert.Single(_fx.Nango.Sent);
    }

    [Fact]
    public async Task Streams_the_response_body()
    {
        var upstream = new byte[1 << 20];
        Random.Shared.NextBytes(upstream);
        _fx.Nango.Answer(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(upstream)) });

        using var response = await _fx.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Get, Path = "files/big", ConnectionId = "c", ProviderConfigKey = "k",
        });
        await using var body = await response.Content.ReadAsStreamAsync();
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);

        Assert.Equal(upstream, copy.ToArray());
    }

    [Fact]
    public async Task Unreachable_nango_is_NangoUnavailable()
    {
        _fx.Nango.Fail(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        await Assert.ThrowsAsync<NangoUnavailableException>(() => _fx.Proxy.SendAsync(new NangoProxyRequest
        {
            Method = HttpMethod.Get, Path = "user", ConnectionId = "c", ProviderConfigKey = "k",
        }));
    }
}
