using System.Text;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace CybrLink.Sandbox.OAuth;

/// <summary>
/// A mock OAuth2 authorization server for each OAuth2 provider of the catalog: a real consent page, the
/// authorization code grant with PKCE (S256 only), and the refresh_token grant. Clients are the integrations'
/// OAuth apps (client id + secret), authenticated with HTTP Basic or form fields.
/// </summary>
internal static class MockProviderEndpoints
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    private const int AccessTokenSeconds = 3600;

    public static void MapMockProvider(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_provider/{provider}");
        group.MapGet("/authorize", ShowConsent);
        group.MapPost("/authorize", DecideAsync);
        group.MapPost("/token", TokenAsync);
        group.MapGet("/docs", Docs);
    }

    private static IResult ShowConsent(string provider, HttpRequest request, SandboxStore store, FaultState faults)
    {
        var q = request.Query;
        var (client, error) = FindClient(store, provider, q["client_id"]);
        if (error is not null)
            return HtmlPage.Error("Invalid authorization request", error);
        if (q["response_type"] != "code")
            return HtmlPage.Error("Invalid authorization request", "response_type must be 'code'.");
        if (string.IsNullOrEmpty(q["redirect_uri"]) || string.IsNullOrEmpty(q["state"]))
            return HtmlPage.Error("Invalid authorization request", "redirect_uri and state are required.");
        // Note: PKCE is mandatory here, so a client that forgets it fails loudly in tests.
        if (string.IsNullOrEmpty(q["code_challenge"]) || q["code_challenge_method"] != "S256")
            return HtmlPage.Error("Invalid authorization request", "PKCE with code_challenge_method=S256 is required.");

        var providerName = store.FindProvider(provider)!.DisplayName;
        var scopes = q["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hidden = new StringBuilder();
        foreach (var name in new[] { "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method" })
            hidden.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{HtmlPage.Encode(q[name])}\">");
        var scopeItems = string.Concat(scopes.Select(s => $"<li><code>{HtmlPage.Encode(s)}</code></li>"));
        var body = $"""
            <h1>Sign in to {HtmlPage.Encode(providerName)}</h1>
            <p>The application <strong>{HtmlPage.Encode(client!.UniqueKey)}</strong> wants to access your {HtmlPage.Encode(providerName)} account.</p>
            <h2 id="scopes-heading">It will be able to</h2>
            <ul aria-labelledby="scopes-heading">{scopeItems}</ul>
            <form method="post" action="{HtmlPage.Encode($"{request.PathBase}/_provider/{provider}/authorize")}">
              {hidden}
              <button type="submit" class="primary" name="decision" value="approve">Approve</button>
              <button type="submit" name="decision" value="deny">Deny</button>
            </form>
            """;
        var behaviour = faults.Consent;
        if (behaviour.CrossOriginOpenerPolicy)
            request.HttpContext.Response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // A person who reads before approving: the page clicks Approve by itself, so a test needs no sleep.
        var script = behaviour.ApproveAfter is { } after
            ? $"setTimeout(function(){{document.querySelector('button[value=approve]').click();}},{(long)after.TotalMilliseconds});"
            : null;
        return HtmlPage.Render($"Authorize {client.UniqueKey} - {providerName}", body, script: script);
    }

    private static async Task<IResult> DecideAsync(string provider, HttpRequest request, SandboxStore store, TimeProvider time)
    {
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var (client, error) = FindClient(store, provider, form["client_id"]);
        if (error is not null)
            return HtmlPage.Error("Invalid authorization request", error);
        var redirectUri = form["redirect_uri"].ToString();
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
            return HtmlPage.Error("Invalid authorization request", "redirect_uri must be an absolute URL.");

        if (form["decision"] != "approve")
            return TypedResults.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
            {
                ["error"] = "access_denied",
                ["error_description"] = "The user denied access",
                ["state"] = form["state"],
            }));

        var code = new IssuedCode(Secrets.AuthorizationCode(), client!.Credentials!.ClientId, redirectUri,
            form["code_challenge"].ToString(), form["scope"].ToString(), time.GetUtcNow() + CodeLifetime);
        store.AddCode(code);
        return TypedResults.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
        {
            ["code"] = code.Code,
            ["state"] = form["state"],
        }));
    }

    private static async Task<IResult> TokenAsync(string provider, HttpRequest request, SandboxStore store, TimeProvider time, FaultState faults)
    {
        if (!request.HasFormContentType)
            return OAuthError(400, "invalid_request", "The token request must be application/x-www-form-urlencoded");
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var (clientId, clientSecret) = ClientAuth(request, form);
        var (client, clientError) = FindClient(store, provider, clientId);
        if (clientError is not null || !Secrets.FixedTimeEquals(client!.Credentials!.ClientSecret, clientSecret ?? ""))
            return OAuthError(401, "invalid_client", "Client authentication failed");

        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
            {
                var code = store.TakeCode(form["code"].ToString());
                if (code is null || code.ExpiresAt <= time.GetUtcNow() || code.ClientId != clientId)
                    return OAuthError(400, "invalid_grant", "The authorization code is invalid or expired");
                if (code.RedirectUri != form["redirect_uri"])
                    return OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
                if (!Secrets.FixedTimeEquals(Secrets.S256(form["code_verifier"].ToString()), code.CodeChallenge))
                    return OAuthError(400, "invalid_grant", "PKCE verification failed");
                return IssueTokens(store, clientId!, code.Scope, Secrets.RefreshToken());
            }
            case "refresh_token":
            {
                if (faults.TakeRefreshFailure())
                    return OAuthError(400, "invalid_grant", "The refresh token was revoked (sandbox fault)");
                var issued = store.FindRefreshToken(form["refresh_token"].ToString());
                if (issued is null || issued.ClientId != clientId)
                    return OAuthError(400, "invalid_grant", "The refresh token is invalid");
                return IssueTokens(store, clientId!, issued.Scope, issued.Token);
            }
            default:
                return OAuthError(400, "unsupported_grant_type", "Only authorization_code and refresh_token are supported");
        }
    }

    private static IResult Docs(string provider, SandboxStore store) =>
        store.FindProvider(provider) is { } p
            ? HtmlPage.Render($"{p.DisplayName} docs", $"<h1>{HtmlPage.Encode(p.DisplayName)}</h1><p>A fake provider of the CybrLink sandbox ({HtmlPage.Encode(p.AuthMode)}).</p>")
            : HtmlPage.Error("Unknown provider", $"No provider named {provider}.", 404);

    private static IResult IssueTokens(SandboxStore store, string clientId, string scope, string refreshToken)
    {
        store.AddRefreshToken(new IssuedRefreshToken(refreshToken, clientId, scope));
        return NangoResults.Json(new
        {
            access_token = Secrets.AccessToken(),
            token_type = "Bearer",
            expires_in = AccessTokenSeconds,
            refresh_token = refreshToken,
            scope,
        });
    }

    /// <summary>RFC 6749 §2.3.1: HTTP Basic with form-encoded id and secret, or both as form fields.</summary>
    private static (string? Id, string? Secret) ClientAuth(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon > 0)
                return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        return (form["client_id"], form["client_secret"]);
    }

    private static (Integration? Client, string? Error) FindClient(SandboxStore store, string provider, StringValues clientId)
    {
        if (store.FindProvider(provider) is not { IsOAuth2: true })
            return (null, $"{provider} is not an OAuth2 provider of the sandbox.");
        var client = store.Integrations().FirstOrDefault(i => i.Provider == provider && i.Credentials?.ClientId == clientId.ToString());
        return client is null ? (null, "Unknown client_id.") : (client, null);
    }

    private static IResult OAuthError(int status, string error, string description) =>
        NangoResults.Json(new { error, error_description = description }, status);
}
