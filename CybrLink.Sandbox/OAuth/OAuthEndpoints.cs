using System.Text.Json;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.BrowserAuth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;
using CybrLink.Sandbox.WebSockets;
using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Sandbox.OAuth;

/// <summary>
/// The browser's OAuth round trip: <c>/oauth/connect/{key}</c> redirects the popup to the provider with PKCE;
/// <c>/oauth/callback</c> exchanges the code, saves the connection and reports on both channels.
/// </summary>
internal static class OAuthEndpoints
{
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(30);

    public static void MapOAuth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/oauth/connect/{providerConfigKey}", Connect);
        app.MapGet("/oauth/callback", CallbackAsync);
    }

    private static IResult Connect(string providerConfigKey, HttpRequest request, NangoAuthentication auth,
        SessionConnections sessions, SandboxStore store, TimeProvider time)
    {
        var (session, authError) = auth.FromQuery(request);
        if (authError is not null)
            return authError;
        if (SessionConnections.ValidateQuery(request) is { } invalid)
            return invalid;
        var (integration, provider, error) = sessions.Resolve(session!, providerConfigKey);
        if (error is not null)
            return error;
        if (!provider!.IsOAuth2)
            return NangoResults.Error(400, "invalid_auth_mode", $"Provider {provider.Name} does not use OAuth2");
        if (integration!.Credentials is not { } app)
            return NangoResults.Error(400, "missing_credentials", "The integration has no OAuth client credentials");

        var config = SessionConnections.ConnectionConfig(request, session!, providerConfigKey);
        var missing = SessionConnections.MissingFields(provider, config);
        if (missing.Count > 0)
            return HtmlPage.Error("Missing connection configuration",
                $"Missing connection configuration parameter(s): {string.Join(", ", missing)}");

        var defaults = session!.IntegrationsConfigDefaults?.GetValueOrDefault(providerConfigKey);
        var scopes = config["oauth_scopes_override"]?.ToString() ?? app.Scopes ?? string.Join(',', provider.DefaultScopes);
        var pending = new PendingOAuth(
            Guid.NewGuid().ToString(), providerConfigKey, provider.Name, session, request.Query["ws_client_id"].ToString() is { Length: > 0 } ws ? ws : null,
            Secrets.CodeVerifier(), SandboxUrls.OAuthCallback(request), config, time.GetUtcNow() + StateLifetime);
        store.AddPendingOAuth(pending);

        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = pending.RedirectUri,
            ["scope"] = string.Join(' ', scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            ["state"] = pending.State,
            ["code_challenge"] = Secrets.S256(pending.CodeVerifier),
            ["code_challenge_method"] = "S256",
        };
        // Session authorization_params replace the browser's, as in Nango.
        foreach (var (k, v) in defaults?.AuthorizationParams ?? new Dictionary<string, string>())
            query[k] = v;
        return TypedResults.Redirect(QueryHelpers.AddQueryString(SandboxUrls.ProviderAuthorize(request, provider.Name), query));
    }

    private static async Task<IResult> CallbackAsync(HttpRequest request, SandboxStore store, TimeProvider time,
        ProviderTokenClient tokens, SessionConnections sessions, WebSocketHub sockets, CancellationToken ct)
    {
        var state = request.Query["state"].ToString();
        var pending = state.Length > 0 ? store.TakePendingOAuth(state) : null;
        if (pending is null || pending.ExpiresAt <= time.GetUtcNow())
            return CallbackPage.Failure("Invalid or expired state parameter");

        var integration = store.FindIntegration(pending.ProviderConfigKey);
        var provider = store.FindProvider(pending.Provider)!;
        var attemptId = pending.Session.ReconnectConnectionId ?? Guid.NewGuid().ToString();
        if (integration?.Credentials is not { } app)
            return await FailAsync("unknown_config_key", "The integration no longer exists", "The integration no longer exists");

        var code = request.Query["code"].ToString();
        if (code.Length == 0)
        {
            var providerError = request.Query
                .Where(q => q.Key is "error" or "error_description")
                .ToDictionary(q => q.Key, q => q.Value.ToString());
            var described = string.Join("; ", providerError.Select(p => $"{p.Key}: {p.Value}"));
            sessions.SendFailure(pending.Session, integration, provider, attemptId,
                new WebhookError("invalid_callback", $"Did not get authorization code in the callback. Provider error: {described}"));
            return await FailAsync("callback_err",
                $"Did not get authorization code in the callback. Provider error: {described}",
                JsonSerializer.Serialize(providerError, SandboxJson.Options));
        }

        var result = await tokens.ExchangeCodeAsync(SandboxUrls.ProviderToken(request, provider.Name), app, code,
            pending.RedirectUri, pending.CodeVerifier, ct);
        if (result.Credentials is not { } credentials)
        {
            sessions.SendFailure(pending.Session, integration, provider, attemptId,
                new WebhookError("token_err", $"The token exchange failed: {result.Error}"));
            return await FailAsync("token_err", $"The token exchange failed: {result.Error}", result.Error ?? "token exchange failed");
        }

        var connection = sessions.Save(pending.Session, integration, provider, pending.ConnectionConfig, credentials);
        await sockets.NotifySuccessAsync(pending.WsClientId, pending.ProviderConfigKey, connection.ConnectionId);
        return CallbackPage.Success();

        async Task<IResult> FailAsync(string errorType, string description, string pageMessage)
        {
            await sockets.NotifyErrorAsync(pending.WsClientId, pending.ProviderConfigKey, attemptId, errorType, description);
            return CallbackPage.Failure(pageMessage);
        }
    }
}
