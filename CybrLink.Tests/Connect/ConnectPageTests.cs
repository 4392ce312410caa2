using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Sandbox;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Connect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Connect;

/// <summary>The Connect UI over HTTP (no browser): the token swap, status pages, headers and language.</summary>
public sealed partial class ConnectPageTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private RunningSandbox _sandbox = null!;
    private CybrLinkAppFactory _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _app = CreateApp();
        _api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync());
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task The_link_swaps_its_token_for_a_path_scoped_http_only_cookie_and_redirects_with_303()
    {
        var (_, token) = await CreateConnectSessionAsync();
        using var browser = NewBrowser();

        using var response = await browser.GetAsync($"/connect?session={token}");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/connect", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConnectCookie.Name + "=", StringComparison.Ordinal));
        Assert.Contains("path=/connect", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain http here
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());

        using var page = await browser.GetAsync("/connect");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Connect Sandbox Mail", html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, html, StringComparison.Ordinal);
        Assert.DoesNotContain("blazor.web.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_cookie_or_an_unknown_token_answers_the_404_page()
    {
        using var browser = NewBrowser();
        using var none = await browser.GetAsync("/connect");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("This link is not valid", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        const string unknown = "cbl_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        using var swap = await browser.GetAsync($"/connect?session={unknown}");
        using var page = await browser.GetAsync("/connect");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain(unknown, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_and_cancelled_sessions_answer_410_pages_without_the_token()
    {
        var (_, expiring) = await CreateConnectSessionAsync(expiresInMinutes: 5);
        var (cancelledId, cancelled) = await CreateConnectSessionAsync();
        (await _api.DeleteAsync($"/api/v1/connect-sessions/{cancelledId}")).EnsureSuccessStatusCode();
        _clock.Advance(TimeSpan.FromMinutes(6));

        var (expiredStatus, expiredHtml) = await OpenAsync(expiring);
        var (cancelledStatus, cancelledHtml) = await OpenAsync(cancelled);

        Assert.Equal(HttpStatusCode.Gone, expiredStatus);
        Assert.Contains("This link has expired", expiredHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(expiring, expiredHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, cancelledStatus);
        Assert.Contains("This request was cancelled", cancelledHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(cancelled, cancelledHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_page_speaks_the_sessions_language()
    {
        var (_, token) = await CreateConnectSessionAsync(expiresInMinutes: 5, locale: "ja");
        _clock.Advance(TimeSpan.FromMinutes(6));

        var (status, html) = await OpenAsync(token);

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("<html lang=\"ja\"", html, StringComparison.Ordinal);
        Assert.Contains("このリンクは有効期限が切れています", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_policy_allows_only_this_site_and_nango_and_no_framing_by_default()
    {
        var (_, token) = await CreateConnectSessionAsync();
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");

        using var page = await browser.GetAsync("/connect");

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var ws = "ws" + _sandbox.BaseUrl[4..];
        Assert.Equal(
            $"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: {_sandbox.BaseUrl}; " +
            $"connect-src 'self' {_sandbox.BaseUrl} {ws}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            policy);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("unsafe-none", page.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
    }

    [Fact]
    public async Task Configured_frame_ancestors_replace_x_frame_options()
    {
        await using var framed = CreateApp(new()
        {
            ["Connect:FrameAncestors:0"] = "https://app.example.com",
            ["Connect:FrameAncestors:1"] = "https://admin.example.com",
            ["Branding:LogoUrl"] = "https://cdn.example.com/logo.svg",
        });
        using var api = framed.CreateClientWithKey(await framed.CreateServerKeyAsync());
        var (_, token) = await CreateConnectSessionAsync(api);
        using var browser = framed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.GetAsync($"/connect?session={token}");

        using var page = await browser.GetAsync("/connect");

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.EndsWith("frame-ancestors https://app.example.com https://admin.example.com", policy, StringComparison.Ordinal);
        Assert.Contains($"img-src 'self' data: {_sandbox.BaseUrl} https://cdn.example.com;", policy, StringComparison.Ordinal);
        Assert.False(page.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task A_framable_connect_ui_over_https_uses_partitioned_cross_site_cookies()
    {
        await using var framed = CreateApp(new() { ["Connect:FrameAncestors:0"] = "https://app.example.com" });
        using var api = framed.CreateClientWithKey(await framed.CreateServerKeyAsync());
        var (_, token) = await CreateConnectSessionAsync(api);
        using var browser = framed.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("https://localhost"),
        });

        using var swap = await browser.GetAsync($"/connect?session={token}");
        using var page = await browser.GetAsync("/connect");

        // Inside the operator's iframe a Lax cookie would never come back; these do, and only in that partition.
        var session = swap.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cybrlink.connect=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("samesite=none", session);
        Assert.Contains("secure", session);
        Assert.Contains("partitioned", session);
        Assert.Contains("httponly", session);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("samesite=none", antiforgery);
        Assert.Contains("secure", antiforgery);
    }

    [Theory]
    [InlineData("fr", null, "fr", "Connecter Sandbox Mail")]
    [InlineData(null, "es-ES,es;q=0.9,en;q=0.5", "es", "Conectar Sandbox Mail")]
    [InlineData(null, "pt-BR, ja;q=0.8", "ja", "Sandbox Mail を接続")]
    [InlineData("de-CH", "ja", "de", "Sandbox Mail verbinden")]
    [InlineData(null, "pt-BR", "en", "Connect Sandbox Mail")]
    public async Task The_language_comes_from_the_session_else_the_browser(
        string? sessionLocale, string? acceptLanguage, string lang, string heading)
    {
        var (_, token) = await CreateConnectSessionAsync(locale: sessionLocale);
        using var browser = NewBrowser();
        if (acceptLanguage is not null)
            browser.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        await browser.GetAsync($"/connect?session={token}");

        var html = await (await browser.GetAsync("/connect")).Content.ReadAsStringAsync();

        Assert.Contains($"<html lang=\"{lang}\"", html, StringComparison.Ordinal);
        Assert.Matches($"<h1[^>]*>{Regex.Escape(heading)}</h1>", html);
    }

    [Fact]
    public async Task The_json_calls_need_the_cookie_and_an_antiforgery_token()
    {
        using var stranger = NewBrowser();
        using var noCookie = await stranger.PostAsJsonAsync("/connect/start", new { fields = new { } });
        Assert.Equal(HttpStatusCode.NotFound, noCookie.StatusCode);
        Assert.Equal("session_not_found", (await noCookie.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var (_, token) = await CreateConnectSessionAsync("sandbox-crm");
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");
        using var forged = await browser.PostAsJsonAsync("/connect/start", new { fields = new { subdomain = "acme" } });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("antiforgery_failed", (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_invalid_connection_field_comes_back_as_422_naming_the_field()
    {
        var (_, token) = await CreateConnectSessionAsync("sandbox-crm");
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");
        var antiforgery = await AntiforgeryAsync(browser);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/start")
        {
            Content = JsonContent.Create(new { fields = new { subdomain = "Not A Subdomain!" } }),
        };
        request.Headers.Add(antiforgery.Header, antiforgery.Token);

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("subdomain", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Nangos_rate_limit_at_start_answers_busy_with_retry_after_and_never_fails_the_session()
    {
        var (id, token) = await CreateConnectSessionAsync();
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");
        var antiforgery = await AntiforgeryAsync(browser);
        await _sandbox.Control.SetRateLimitAsync(1);
        try
        {
            // Someone else (another Connect page, an agent) spends the minute's budget first.
            using (var spend = new HttpRequestMessage(HttpMethod.Get, _sandbox.BaseUrl + "/integrations"))
            using (var nango = new HttpClient())
            {
                spend.Headers.Authorization = new("Bearer", _sandbox.Options.SecretKey);
                (await nango.SendAsync(spend)).EnsureSuccessStatusCode();
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/start") { Content = JsonContent.Create(new { }) };
            request.Headers.Add(antiforgery.Header, antiforgery.Token);
            using var response = await browser.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("nango_busy", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            var session = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
            Assert.Equal("opened", session.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, session.GetProperty("last_error").ValueKind);
            Assert.Contains(_app.Logs.Lines, l => l.Contains("DEFAULT_RATE_LIMIT_PER_MIN", StringComparison.Ordinal));
        }
        finally
        {
            await _sandbox.Control.ResetAsync();
        }
    }

    [Fact]
    public async Task Nango_failing_at_start_answers_503_with_no_detail()
    {
        var (_, token) = await CreateConnectSessionAsync();
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");
        var antiforgery = await AntiforgeryAsync(browser);
        await _sandbox.Control.FailApiAsync(count: null);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/start") { Content = JsonContent.Create(new { }) };
            request.Headers.Add(antiforgery.Header, antiforgery.Token);

            using var response = await browser.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal("nango_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain("generic_error_support", body, StringComparison.Ordinal);
        }
        finally
        {
            await _sandbox.Control.ResetAsync();
        }
    }

    [Fact]
    public async Task Prefix_and_suffix_are_attached_to_their_input_and_read_out_and_an_enum_is_a_select()
    {
        var (_, token) = await CreateConnectSessionAsync("sandbox-helpdesk");
        var (status, html) = await OpenAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);

        var host = page.GetElementById("field-host")!;
        var prefix = page.GetElementById("field-host-prefix")!;
        Assert.Equal("INPUT", host.TagName);
        Assert.Equal("https://", prefix.TextContent);
        Assert.Same(prefix, host.PreviousElementSibling);
        Assert.Contains("field-host-prefix", host.GetAttribute("aria-describedby")!.Split(' '));

        var workspace = page.GetElementById("field-workspace")!;
        var suffix = page.GetElementById("field-workspace-suffix")!;
        Assert.Equal(".helpdesk.example", suffix.TextContent);
        Assert.Same(suffix, workspace.NextElementSibling);
        Assert.Contains("field-workspace-suffix", workspace.GetAttribute("aria-describedby")!.Split(' '));

        var region = page.GetElementById("field-region")!;
        Assert.Equal("SELECT", region.TagName);
        Assert.Equal("region", region.GetAttribute("data-field"));
        Assert.False(region.HasAttribute("required")); // optional in the provider's data
        Assert.Equal(["", "us", "eu", "ap"], region.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("field-region", page.QuerySelector("label[for=field-region]")!.GetAttribute("for"));
    }

    [Fact]
    public async Task A_logo_has_an_initials_badge_ready_for_when_it_fails_to_load()
    {
        var (_, token) = await CreateConnectSessionAsync("sandbox-helpdesk");
        var (_, html) = await OpenAsync(token);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);

        var logo = page.GetElementById("connect-logo-image")!;
        Assert.EndsWith("/sandbox-helpdesk.svg", logo.GetAttribute("src"), StringComparison.Ordinal);
        Assert.False(logo.HasAttribute("onerror")); // the page policy allows no inline handlers; connect.js swaps it
        var initials = page.GetElementById("connect-logo-initials")!;
        Assert.Equal("SH", initials.TextContent);
        Assert.True(initials.HasAttribute("hidden"));
    }

    private static async Task<(string Header, string Token)> AntiforgeryAsync(HttpClient browser)
    {
        var html = await (await browser.GetAsync("/connect")).Content.ReadAsStringAsync();
        var antiforgery = JsonDocument.Parse(WebUtility.HtmlDecode(DataConfig().Match(html).Groups[1].Value)).RootElement.GetProperty("antiforgery");
        return (antiforgery.GetProperty("header").GetString()!, antiforgery.GetProperty("token").GetString()!);
    }

    [GeneratedRegex("data-config=\"([^\"]+)\"")]
    private static partial Regex DataConfig();


    private CybrLinkAppFactory CreateApp(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Nango:BaseUrl"] = _sandbox.BaseUrl,
            ["Nango:SecretKey"] = _sandbox.Options.SecretKey,
            ["Nango:WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey,
        };
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return new CybrLinkAppFactory(settings, configureServices: services => services.AddSingleton<TimeProvider>(_clock));
    }

    private HttpClient NewBrowser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(HttpStatusCode Status, string Html)> OpenAsync(string token)
    {
        using var browser = NewBrowser();
        await browser.GetAsync($"/connect?session={token}");
        using var page = await browser.GetAsync("/connect");
        return (page.StatusCode, await page.Content.ReadAsStringAsync());
    }

    private Task<(Guid Id, string Token)> CreateConnectSessionAsync(
        string integration = "sandbox-mail", int? expiresInMinutes = null, string? locale = null) =>
        CreateConnectSessionAsync(_api, integration, expiresInMinutes, locale);

    private static async Task<(Guid Id, string Token)> CreateConnectSessionAsync(
        HttpClient api, string integration = "sandbox-mail", int? expiresInMinutes = null, string? locale = null)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/connect-sessions", new Dictionary<string, object?>
        {
            ["end_user"] = new { id = "u1", email = "ada@example.com", display_name = "Ada" },
            ["integration"] = integration,
            ["expires_in_minutes"] = expiresInMinutes,
            ["locale"] = locale,
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!);
    }
}
