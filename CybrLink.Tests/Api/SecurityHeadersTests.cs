using System.Text.RegularExpressions;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Api;

/// <summary>Headers as a browser or a scanner sees them from the real server (Kestrel), not the in-memory host.</summary>
public sealed partial class SecurityHeadersTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app = new(useRealServer: true);
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/account/login")]
    [InlineData("/api/v1/me")]
    [InlineData("/no-such-page")]
    public async Task No_answer_names_the_server_software(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Empty(response.Headers.Server);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Console_pages_may_connect_only_to_their_own_origin_and_run_only_their_own_inline_import_map()
    {
        using var response = await _http.GetAsync("/account/login");
        var html = await response.Content.ReadAsStringAsync();

        var directives = response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        var nonce = Assert.Single(directives["script-src"], s => s.StartsWith("'nonce-", StringComparison.Ordinal));
        Assert.Equal(["'self'", nonce], directives["script-src"]);

        // The import map is the one inline script, and it carries this response's nonce.
        var inline = InlineScript().Matches(html);
        var importMap = Assert.Single(inline);
        Assert.Contains("type=\"importmap\"", importMap.Value);
        Assert.Equal(nonce, $"'nonce-{NonceAttribute().Match(importMap.Value).Groups[1].Value}'");

        // A fresh nonce for every answer.
        using var again = await _http.GetAsync("/account/login");
        Assert.DoesNotContain(nonce, again.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Api_answers_carry_no_nonce()
    {
        using var response = await _http.GetAsync("/api/v1/me");

        Assert.DoesNotContain("nonce-", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    // Script tags without a src attribute.
    [GeneratedRegex("""<script(?![^>]*\ssrc=)[^>]*>""")]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\snonce=\"([^\"]+)\"")]
    private static partial Regex NonceAttribute();
}
