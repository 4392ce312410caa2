using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CybrLink.Tests.Infrastructure;

/// <summary>
/// CybrLink (in memory) talking over real HTTP to a sandbox Nango on its own port, with a fake clock and a server key.
/// </summary>
public class SandboxedApp : IAsyncLifetime
{
    public const string ReturnOrigin = "https://app.example.com";

    public RunningSandbox Sandbox { get; private set; } = null!;
    public CybrLinkAppFactory App { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public HttpClient Api { get; private set; } = null!;

    /// <summary>Raw HTTP to the sandbox as a browser or an operator would call it.</summary>
    public HttpClient NangoHttp { get; } = new();

    /// <summary>True: CybrLink listens on 127.0.0.1 and the sandbox delivers its webhooks to it.</summary>
    protected virtual bool DeliverWebhooks => false;

    /// <summary>Settings a test class adds to CybrLink's configuration.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>The database CybrLink runs on; the classes re-run on PostgreSQL override it (see OnPostgres.cs).</summary>
    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { WebhookRetryDelay = TimeSpan.FromMilliseconds(50) });
        var settings = new Dictionary<string, string?>
        {
            ["Nango:BaseUrl"] = Sandbox.BaseUrl,
            ["Nango:SecretKey"] = Sandbox.Options.SecretKey,
            ["Nango:WebhookSigningKey"] = Sandbox.Options.WebhookSigningKey,
            ["Connect:AllowedReturnOrigins:0"] = ReturnOrigin,
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        App = new CybrLinkAppFactory(settings, useRealServer: DeliverWebhooks, configureServices: services => services.AddSingleton<TimeProvider>(Clock),
            provider: DatabaseProvider);
        if (DeliverWebhooks)
        {
            // The running sandbox reads its options live, as Nango reads its environment's webhook settings.
            Sandbox.Options.WebhookUrl = App.BaseUrl.TrimEnd('/') + "/api/v1/webhooks/nango";
        }

        Api = App.CreateClientWithKey(await App.CreateServerKeyAsync("backend"));
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        NangoHttp.Dispose();
        await App.DisposeAsync();
        await Sandbox.DisposeAsync();
    }

    public async Task<JsonElement> CreateConnectSessionAsync(object body)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    /// <summary>
    /// A connect session whose end user connects an API-key integration at Nango (start, then the key posted to Nango)
    /// while the browser never reports back to CybrLink: the connection exists only in Nango until a webhook or
    /// reconciliation brings it.
    /// </summary>
    public async Task<(string SessionId, string Token, string NangoId)> ConnectInNangoOnlyAsync(object sessionRequest, string apiKey)
    {
        var session = await CreateConnectSessionAsync(sessionRequest);
        var token = session.GetProperty("token").GetString()!;
        await using var scope = App.Services.CreateAsyncScope();
        var start = await scope.ServiceProvider.GetRequiredService<CybrLink.Core.ConnectSessions.ConnectAttempts>()
            .StartAsync(token, new Dictionary<string, string>());
        var nangoId = await PostApiKeyToNangoAsync(start.NangoSessionToken, start.Integration, apiKey, start.Params);
        return (session.GetProperty("id").GetString()!, token, nangoId);
    }

    /// <summary>What the end user's browser does with a Nango connect session token for an API-key integration.</summary>
    public async Task<string> PostApiKeyToNangoAsync(string nangoToken, string integration, string apiKey, IReadOnlyDictionary<string, string> parameters)
    {
        var query = string.Concat(parameters.Select(p => $"&params[{p.Key}]={Uri.EscapeDataString(p.Value)}"));
        using var response = await NangoHttp.PostAsJsonAsync(
            $"{Sandbox.BaseUrl}/api-auth/api-key/{integration}?connect_session_token={nangoToken}{query}", new { apiKey });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("connectionId").GetString()!;
    }

    /// <summary>An OAuth connection put into Nango by an import (no browser), tagged as given.</summary>
    public async Task ImportOAuthIntoNangoAsync(string integration, string nangoId, IReadOnlyDictionary<string, string> tags)
    {
        using var import = new HttpRequestMessage(HttpMethod.Post, Sandbox.BaseUrl + "/connections")
        {
            Content = JsonContent.Create(new
            {
                provider_config_key = integration, connection_id = nangoId,
                credentials = new { type = "OAUTH2", access_token = "sbx_canary_a", refresh_token = "sbx_canary_r" }, tags,
            }),
        };
        import.Headers.Authorization = new("Bearer", Sandbox.Options.SecretKey);
        using var response = await NangoHttp.SendAsync(import);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The provider refuses the refresh token: the next proxied call makes Nango record an auth error.</summary>
    public async Task BreakRefreshInNangoAsync(string integration, string nangoId)
    {
        await Sandbox.Control.ExpireAccessTokenAsync(integration, nangoId);
        await Sandbox.Control.FailRefreshAsync();
        using var proxy = new HttpRequestMessage(HttpMethod.Get, Sandbox.BaseUrl + "/proxy/inbox");
        proxy.Headers.Authorization = new("Bearer", Sandbox.Options.SecretKey);
        proxy.Headers.Add("Connection-Id", nangoId);
        proxy.Headers.Add("Provider-Config-Key", integration);
        using (await NangoHttp.SendAsync(proxy))
        {
        }
    }

    public async Task DeleteInNangoAsync(string nangoConnectionId, string integration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{Sandbox.BaseUrl}/connections/{nangoConnectionId}?provider_config_key={integration}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Sandbox.Options.SecretKey);
        using var response = await NangoHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
