using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.E2E.Infrastructure;
using CybrLink.Sandbox;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.E2E.Connect;

public sealed record CreatedSession(Guid Id, string Token, string ConnectUrl);

/// <summary>
/// The Connect UI's world: the sandbox standing alone on its own origin exactly as a real Nango would, CybrLink on
/// real Kestrel pointed at it, a server key, and a clock the tests can move. Shared by the Connect E2E collection.
/// </summary>
public sealed class ConnectFixture : IAsyncLifetime
{
    /// <summary>The operator's app the end user returns to; served by Playwright routing, never by a server.</summary>
    public const string ReturnOrigin = "http://app.cybrlink.test";

    public const string SecretMarker = "sbx_typed_secret_";

    private HttpClient _api = null!;
    private readonly HttpClient _nango = new();

    public RunningSandbox Sandbox { get; private set; } = null!;
    public CybrLinkAppFactory App { get; private set; } = null!;
    public ShiftableClock Clock { get; } = new();
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every secret a test typed, for the scans that prove none reached CybrLink.</summary>
    public ConcurrentBag<string> TypedSecrets { get; } = [];

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        App = new CybrLinkAppFactory(
            new Dictionary<string, string?>
            {
                ["Nango:BaseUrl"] = Sandbox.BaseUrl,
                ["Nango:SecretKey"] = Sandbox.Options.SecretKey,
                ["Nango:WebhookSigningKey"] = Sandbox.Options.WebhookSigningKey,
                ["Connect:AllowedReturnOrigins:0"] = ReturnOrigin,
            },
            useRealServer: true,
            configureServices: services => services.AddSingleton<TimeProvider>(Clock));
        BaseUrl = App.BaseUrl.TrimEnd('/');
        _api = App.CreateClientWithKey(await App.CreateServerKeyAsync("connect e2e"));
    }

    public async Task DisposeAsync()
    {
        // After every Connect test has run: the token boundary held for the whole suite, not only in one test.
        var leaks = LeaksIn(App.ReadDatabaseText(), "database").Concat(LeaksIn(App.Logs.All, "logs")).ToList();
        _api.Dispose();
        _nango.Dispose();
        await App.DisposeAsync();
        await Sandbox.DisposeAsync();
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException("Credentials reached CybrLink during the E2E suite: " + string.Join("; ", leaks));
        }
    }

    private IEnumerable<string> LeaksIn(string text, string where)
    {
        if (text.Contains("sbx_canary_", StringComparison.Ordinal))
        {
            yield return $"a sandbox token (sbx_canary_) in the {where}";
        }

        foreach (var secret in TypedSecrets.Where(s => text.Contains(s, StringComparison.Ordinal)))
        {
            yield return $"a typed secret ({secret[..SecretMarker.Length]}...) in the {where}";
        }
    }

    /// <summary>The operator's backend: the server API with a server key.</summary>
    public HttpClient Api => _api;

    public string NewSecret() => SecretMarker + Guid.NewGuid().ToString("N");

    /// <summary>Creates a session through the real server API, as the operator's backend would.</summary>
    public async Task<CreatedSession> CreateSessionAsync(
        string integration, bool withReturnUrl = false, string? locale = null, int? expiresInMinutes = null)
    {
        using var response = await _api.PostAsJsonAsync("/api/v1/connect-sessions", new Dictionary<string, object?>
        {
            ["end_user"] = new { id = "e2e-ada", email = "ada@example.com", display_name = "Ada Lovelace" },
            ["organization"] = new { id = "org-1", display_name = "Analytical Engines" },
            ["integration"] = integration,
            ["return_url"] = withReturnUrl ? $"{ReturnOrigin}/done" : null,
            ["locale"] = locale,
            ["expires_in_minutes"] = expiresInMinutes,
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new CreatedSession(
            body.GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!, body.GetProperty("connect_url").GetString()!);
    }

    /// <summary>A session that re-authorises a connection, through the real server API.</summary>
    public async Task<CreatedSession> CreateReconnectSessionAsync(Guid connectionId)
    {
        using var response = await _api.PostAsJsonAsync($"/api/v1/connections/{connectionId}/reconnect-session", new { });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new CreatedSession(
            body.GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!, body.GetProperty("connect_url").GetString()!);
    }

    public Task<JsonElement> GetSessionAsync(Guid id) => _api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");

    /// <summary>Nango's connections created by one CybrLink session (the tag StartAsync puts on them).</summary>
    public async Task<JsonElement> NangoConnectionsForAsync(Guid sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sandbox.BaseUrl}/connections?tags[cybrlink_session_id]={sessionId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Sandbox.Options.SecretKey);
        using var response = await _nango.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connections");
    }

    /// <summary>A call through the sandbox's proxy to its echo upstream: shows the credential Nango injects.</summary>
    public async Task<JsonElement> EchoThroughNangoAsync(string integration, string nangoConnectionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sandbox.BaseUrl}/proxy/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Sandbox.Options.SecretKey);
        request.Headers.Add("Connection-Id", nangoConnectionId);
        request.Headers.Add("Provider-Config-Key", integration);
        using var response = await _nango.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>The system clock, moved forward on demand (session expiry without waiting).</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}

[CollectionDefinition(Name)]
public sealed class ConnectCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<ConnectFixture>
{
    public const string Name = "connect";
}
