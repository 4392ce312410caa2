using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Sandbox;

namespace CybrLink.Tests.Sandbox;

/// <summary>One sandbox on its own Kestrel per test, plus helpers that speak Nango's wire format.</summary>
public abstract class SandboxHarness : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    protected RunningSandbox Sandbox { get; private set; } = null!;

    protected HttpClient Http => _http;

    protected string SecretKey => Sandbox.Options.SecretKey;

    /// <summary>Override to start the sandbox with other options or another clock.</summary>
    protected virtual Task<RunningSandbox> StartSandboxAsync() => SandboxServer.StartAsync(new SandboxOptions());

    public virtual async Task InitializeAsync() => Sandbox = await StartSandboxAsync();

    public virtual async Task DisposeAsync()
    {
        _http.Dispose();
        await Sandbox.DisposeAsync();
    }

    protected string Url(string path) => Sandbox.BaseUrl + path;

    protected static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Calls the sandbox with the secret key (or <paramref name="bearer"/>) and parses the JSON answer.</summary>
    protected async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, object? body = null, string? bearer = "")
    {
        using var request = Request(method, Url(path), body, bearer == "" ? SecretKey : bearer);
        return await SendAsync(request);
    }

    protected async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    protected async Task<string> CreateNangoSessionAsync(object body)
    {
        var (status, json) = await CallAsync(HttpMethod.Post, "/connect/sessions", body);
        Assert.Equal(HttpStatusCode.Created, status);
        return json!["data"]!["token"]!.GetValue<string>();
    }

    protected Task<string> CreateNangoSessionAsync(string endUserId = "user-1", IReadOnlyList<string>? allowed = null, object? tags = null) =>
        CreateNangoSessionAsync(new Dictionary<string, object?>
        {
            ["end_user"] = new { id = endUserId, email = $"{endUserId}@example.com" },
            ["allowed_integrations"] = allowed,
            ["tags"] = tags,
        }.Where(p => p.Value is not null).ToDictionary());

    protected async Task<JsonArray> ListConnectionsAsync(string query = "")
    {
        var (status, json) = await CallAsync(HttpMethod.Get, "/connections" + query);
        Assert.Equal(HttpStatusCode.OK, status);
        return json!["connections"]!.AsArray();
    }

    protected async Task<string> ConnectApiKeyAsync(string token, string apiKey = "crm-secret", string subdomain = "acme")
    {
        var (status, json) = await CallAsync(HttpMethod.Post,
            $"/api-auth/api-key/sandbox-crm?connect_session_token={token}&params[subdomain]={subdomain}", new { apiKey }, bearer: null);
        Assert.Equal(HttpStatusCode.OK, status);
        return json!["connectionId"]!.GetValue<string>();
    }

    /// <summary>
    /// The whole OAuth dance with a plain HttpClient: /oauth/connect → consent page → Approve (or Deny) → callback.
    /// Returns the callback answer. <paramref name="tamperChallenge"/> changes the PKCE challenge the provider records.
    /// </summary>
    protected async Task<HttpResponseMessage> RunOAuthAsync(string token, string? wsClientId = null, bool approve = true,
        bool tamperChallenge = false, string extraQuery = "")
    {
        var connect = $"/oauth/connect/sandbox-mail?connect_session_token={token}{(wsClientId is null ? "" : $"&ws_client_id={wsClientId}")}{extraQuery}";
        using var redirect = await Http.GetAsync(Url(connect));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var authorize = redirect.Headers.Location!;

        using var consent = await Http.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("Approve", await consent.Content.ReadAsStringAsync());

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Query);
        var form = new Dictionary<string, string>
        {
            ["client_id"] = query["client_id"]!,
            ["redirect_uri"] = query["redirect_uri"]!,
            ["scope"] = query["scope"]!,
            ["state"] = query["state"]!,
            ["code_challenge"] = tamperChallenge ? "not-the-challenge-of-the-verifier" : query["code_challenge"]!,
            ["code_challenge_method"] = "S256",
            ["decision"] = approve ? "approve" : "deny",
        };
        using var decision = await Http.PostAsync(authorize.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, decision.StatusCode);
        return await Http.GetAsync(decision.Headers.Location!);
    }

    protected async Task<string> ConnectOAuthAsync(string token)
    {
        using var callback = await RunOAuthAsync(token);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        var connections = await ListConnectionsAsync("?integrationId=sandbox-mail");
        return connections[0]!["connection_id"]!.GetValue<string>();
    }

    protected static string ErrorCode(JsonNode? body) => body!["error"]!["code"]!.GetValue<string>();

    protected static IReadOnlyList<string> ErrorPath(JsonNode? body, int index = 0) =>
        [.. body!["error"]!["errors"]![index]!["path"]!.AsArray().Select(p => p!.GetValue<string>())];
}
