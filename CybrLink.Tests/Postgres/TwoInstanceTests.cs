using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Operators;
using CybrLink.Sandbox;
using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Postgres;

/// <summary>
/// Two CybrLink instances (real Kestrel servers on 127.0.0.1) on one PostgreSQL database and one Nango, as behind a
/// load balancer without sticky routing: whatever one instance issued or wrote, the other honours at once.
/// </summary>
public sealed partial class TwoInstanceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";

    private TestDatabase _database = null!;
    private RunningSandbox _sandbox = null!;
    private CybrLinkAppFactory _a = null!;
    private CybrLinkAppFactory _b = null!;
    private string _serverKey = null!;

    private string UrlA => _a.BaseUrl.TrimEnd('/') + "/";
    private string UrlB => _b.BaseUrl.TrimEnd('/') + "/";

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Create(TestDatabaseProvider.Postgres);
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = new Dictionary<string, string?>
        {
            ["Nango:BaseUrl"] = _sandbox.BaseUrl,
            ["Nango:SecretKey"] = _sandbox.Options.SecretKey,
            ["Nango:WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey,
        };
        _a = new CybrLinkAppFactory(settings, useRealServer: true, sharedDatabase: _database);
        _ = UrlA; // A starts (and migrates) first; B finds the database ready, as after a `migrate` step.
        _b = new CybrLinkAppFactory(settings, useRealServer: true, sharedDatabase: _database);
        _ = UrlB;
        _serverKey = await _a.CreateServerKeyAsync("backend");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _sandbox.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_session_created_and_opened_through_A_completes_through_B()
    {
        using var apiA = _a.CreateClientWithKey(_serverKey);
        using var apiB = _b.CreateClientWithKey(_serverKey);
        var session = await CreateSessionAsync(apiA, "u-1");
        var id = session.GetProperty("id").GetString()!;

        // One browser: the load balancer sends its requests to either instance.
        using var browser = NewBrowser();
        using (var open = await browser.GetAsync($"{UrlA}connect?session={session.GetProperty("token").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, open.StatusCode);
        }

        var antiforgery = await AntiforgeryAsync(browser, UrlA);
        using var started = await PostAsync(browser, UrlA + "connect/start", antiforgery, new { fields = new { subdomain = "acme" } });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var start = await started.Content.ReadFromJsonAsync<JsonElement>();
        var nangoToken = start.GetProperty("token").GetString()!;
        var nangoId = await PostApiKeyToNangoAsync(nangoToken, "sandbox-crm", "sbx_canary_key");

        // B accepts A's antiforgery token (shared key ring) and reads the Nango token A protected, to revoke it.
        using var completed = await PostAsync(browser, UrlB + "connect/complete", antiforgery, new { connection_id = nangoId });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var connectionId = (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connection_id").GetString();
        Assert.Equal(HttpStatusCode.Unauthorized, await NangoSessionStatusAsync(nangoToken));

        foreach (var api in new[] { apiA, apiB })
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
            Assert.Equal(("completed", connectionId), (status.GetProperty("status").GetString(), status.GetProperty("connection_id").GetString()));
        }
    }

    [Fact]
    public async Task A_connection_marked_gone_through_B_reads_revoked_on_A_at_once()
    {
        using var apiA = _a.CreateClientWithKey(_serverKey);
        var connectionId = await ConnectThroughAsync(apiA, "u-2");
        Assert.Equal("active", await ConnectionStatusAsync(apiA, connectionId));
        var nangoId = (await NangoConnectionsAsync()).Single();

        await DeleteInNangoAsync(nangoId, "sandbox-crm");
        await using (var scope = _b.Services.CreateAsyncScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<ConnectionReconciler>().ReconcileAsync();
            Assert.Equal(1, report.RevokedExternally);
        }

        // No cache between A and its database: the very next call sees B's write.
        Assert.Equal("revoked", await ConnectionStatusAsync(apiA, connectionId));
    }

    [Fact]
    public async Task Reconciliation_runs_on_exactly_one_instance_at_a_time()
    {
        var jobs = new[] { _a.Services.GetRequiredService<NangoSyncJob>(), _b.Services.GetRequiredService<NangoSyncJob>() };
        var ranOn = new List<int>();
        for (var round = 0; round < 10; round++)
        {
            var reports = await Task.WhenAll(jobs.Select(j => j.RunOnceAsync(TimeSpan.FromMinutes(1), CancellationToken.None)));
            var winners = Enumerable.Range(0, 2).Where(i => reports[i] is not null).ToList();
            Assert.Single(winners);
            ranOn.Add(winners[0]);
        }

        // The holder keeps renewing; the other never runs while the lease is live.
        Assert.Single(ranOn.Distinct());
    }

    [Fact]
    public async Task Audit_events_written_concurrently_by_both_instances_are_all_there_in_order()
    {
        using var apiA = _a.CreateClientWithKey(_serverKey);
        using var apiB = _b.CreateClientWithKey(_serverKey);
        const int perInstance = 25;

        async Task<List<string>> CreateManyAsync(HttpClient api, string who)
        {
            var ids = new List<string>();
            for (var i = 0; i < perInstance; i++)
            {
                ids.Add((await CreateSessionAsync(api, $"{who}-{i}")).GetProperty("id").GetString()!);
            }

            return ids;
        }

        var written = await Task.WhenAll(CreateManyAsync(apiA, "a"), CreateManyAsync(apiB, "b"));

        await using var db = await _a.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var log = await db.AuditEvents.Where(e => e.Action == AuditActions.SessionCreated)
            .OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.TargetId).ToListAsync();
        Assert.Equal(2 * perInstance, log.Count);
        Assert.Equal(log.Count, log.Distinct().Count());
        foreach (var ids in written)
        {
            // Each instance's events read back in the order it wrote them (by time, across instances).
            Assert.Equal(ids, log.Where(ids.Contains));
        }
    }

    [Fact]
    public async Task Both_instances_filling_an_empty_catalog_at_once_both_succeed()
    {
        async Task<int> RefreshAsync(CybrLinkAppFactory app)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CatalogService>().RefreshAsync();
        }

        var counts = await Task.WhenAll(RefreshAsync(_a), RefreshAsync(_b));

        await using var db = await _a.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        Assert.Equal(counts[0], counts[1]);
        Assert.Equal(counts[0], await db.Integrations.CountAsync());
    }

    [Fact]
    public async Task An_operator_cookie_issued_by_A_works_on_B()
    {
        await using (var scope = _a.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync("admin@example.com", Password, OperatorRoles.Admin)).Succeeded);
        }

        using var browser = NewBrowser();
        var token = await FormTokenAsync(browser, UrlA + "account/login");
        using var signIn = await browser.PostAsync(UrlA + "account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = "admin@example.com",
            ["Input.Password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cybrlink.operator=", StringComparison.Ordinal)).Split(';')[0];

        using var elsewhere = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using (var anonymous = await elsewhere.GetAsync(UrlB + "server-keys"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, UrlB + "server-keys");
        request.Headers.Add("Cookie", cookie);
        using var onB = await elsewhere.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);

        // Not by luck of one process: both instances read the key ring from the database, not from local files.
        await using var db = await _a.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var stored = (await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync()).Order().ToList();
        Assert.NotEmpty(stored);
        foreach (var app in new[] { _a, _b })
        {
            var keys = app.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => (string?)("key-" + k.KeyId.ToString("D")));
            Assert.Equal(stored, keys.Order().ToList());
        }
    }

    private static HttpClient NewBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    private static async Task<JsonElement> CreateSessionAsync(HttpClient api, string endUser)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/connect-sessions", new
        {
            end_user = new { id = endUser },
            integration = "sandbox-crm",
            connection_config = new { subdomain = "acme" },
        });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    /// <summary>A session created through A, connected in Nango and completed through B's Connect UI.</summary>
    private async Task<string> ConnectThroughAsync(HttpClient apiA, string endUser)
    {
        var session = await CreateSessionAsync(apiA, endUser);
        using var browser = NewBrowser();
        using (await browser.GetAsync($"{UrlA}connect?session={session.GetProperty("token").GetString()}"))
        {
        }

        var antiforgery = await AntiforgeryAsync(browser, UrlA);
        using var started = await PostAsync(browser, UrlB + "connect/start", antiforgery, new { fields = new { } });
        var start = await started.Content.ReadFromJsonAsync<JsonElement>();
        var nangoId = await PostApiKeyToNangoAsync(start.GetProperty("token").GetString()!, "sandbox-crm", "sbx_canary_key");
        using var completed = await PostAsync(browser, UrlB + "connect/complete", antiforgery, new { connection_id = nangoId });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        return (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connection_id").GetString()!;
    }

    private static async Task<string?> ConnectionStatusAsync(HttpClient api, string connectionId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connectionId}")).GetProperty("status").GetString();

    private static async Task<(string Header, string Token)> AntiforgeryAsync(HttpClient browser, string baseUrl)
    {
        var html = await browser.GetStringAsync(baseUrl + "connect");
        var config = DataConfig().Match(html);
        Assert.True(config.Success, "The consent page carries no data-config.");
        var antiforgery = JsonDocument.Parse(WebUtility.HtmlDecode(config.Groups[1].Value)).RootElement.GetProperty("antiforgery");
        return (antiforgery.GetProperty("header").GetString()!, antiforgery.GetProperty("token").GetString()!);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, (string Header, string Token) antiforgery, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add(antiforgery.Header, antiforgery.Token);
        return await browser.SendAsync(request);
    }

    private static async Task<string> FormTokenAsync(HttpClient browser, string url)
    {
        var html = await browser.GetStringAsync(url);
        var match = FormToken().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {url}.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private async Task<string> PostApiKeyToNangoAsync(string nangoToken, string integration, string apiKey)
    {
        using var nango = new HttpClient();
        using var response = await nango.PostAsJsonAsync(
            $"{_sandbox.BaseUrl}/api-auth/api-key/{integration}?connect_session_token={nangoToken}&params[subdomain]=acme", new { apiKey });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("connectionId").GetString()!;
    }

    private async Task<HttpStatusCode> NangoSessionStatusAsync(string nangoToken)
    {
        using var nango = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _sandbox.BaseUrl + "/connect/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", nangoToken);
        using var response = await nango.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<List<string>> NangoConnectionsAsync()
    {
        using var nango = new HttpClient();
        nango.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.SecretKey);
        var list = await nango.GetFromJsonAsync<JsonElement>(_sandbox.BaseUrl + "/connections");
        return [.. list.GetProperty("connections").EnumerateArray().Select(c => c.GetProperty("connection_id").GetString()!)];
    }

    private async Task DeleteInNangoAsync(string nangoConnectionId, string integration)
    {
        using var nango = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{_sandbox.BaseUrl}/connections/{nangoConnectionId}?provider_config_key={integration}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.SecretKey);
        using var response = await nango.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    [GeneratedRegex("data-config=\"([^\"]+)\"")]
    private static partial Regex DataConfig();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
