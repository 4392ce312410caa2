using System.Text.Json.Nodes;

namespace CybrLink.Sandbox.Store;

/// <summary>What <c>/oauth/connect</c> remembers until the provider redirects back to <c>/oauth/callback</c> with <c>state</c>.</summary>
internal sealed record PendingOAuth(
    string State,
    string ProviderConfigKey,
    string Provider,
    ConnectSession Session,
    string? WsClientId,
    string CodeVerifier,
    string RedirectUri,
    JsonObject ConnectionConfig,
    DateTimeOffset ExpiresAt);

/// <summary>An authorization code the mock provider issued (PKCE S256 challenge kept for the token call).</summary>
internal sealed record IssuedCode(string Code, string ClientId, string RedirectUri, string CodeChallenge, string Scope, DateTimeOffset ExpiresAt);

/// <summary>A refresh token the mock provider issued.</summary>
internal sealed record IssuedRefreshToken(string Token, string ClientId, string Scope);
