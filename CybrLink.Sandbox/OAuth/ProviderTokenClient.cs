using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.OAuth;

/// <summary>Nango's side of the token endpoint: code exchange and refresh, over real HTTP, form-urlencoded.</summary>
internal sealed class ProviderTokenClient(SandboxHttp http, TimeProvider time)
{
    public Task<TokenResult> ExchangeCodeAsync(string tokenUrl, OAuthAppCredentials app, string code, string redirectUri,
        string codeVerifier, CancellationToken ct) =>
        PostAsync(tokenUrl, app, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = codeVerifier,
        }, previousRefreshToken: null, ct);

    public Task<TokenResult> RefreshAsync(string tokenUrl, OAuthAppCredentials app, string refreshToken, CancellationToken ct) =>
        PostAsync(tokenUrl, app, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, refreshToken, ct);

    private async Task<TokenResult> PostAsync(string tokenUrl, OAuthAppCredentials app, Dictionary<string, string> form,
        string? previousRefreshToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl) { Content = new FormUrlEncodedContent(form) };
        // client_secret_basic: the client authenticates with HTTP Basic, as most providers prefer.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(app.ClientId)}:{Uri.EscapeDataString(app.ClientSecret)}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.Client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var raw = TryParse(text);
            if (!response.IsSuccessStatusCode || raw?["access_token"]?.GetValue<string>() is not { } accessToken)
                return TokenResult.Failed(raw?.ToJsonString() ?? text);
            var refreshToken = raw["refresh_token"]?.GetValue<string>() ?? previousRefreshToken;
            DateTimeOffset? expiresAt = raw["expires_in"] is JsonValue e && e.TryGetValue<int>(out var seconds)
                ? time.GetUtcNow().AddSeconds(seconds)
                : null;
            return new TokenResult(new OAuth2Credentials(accessToken, refreshToken, expiresAt, raw), null);
        }
        catch (HttpRequestException e)
        {
            return TokenResult.Failed(e.Message);
        }
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record TokenResult(OAuth2Credentials? Credentials, string? Error)
{
    public static TokenResult Failed(string error) => new(null, error);
}
