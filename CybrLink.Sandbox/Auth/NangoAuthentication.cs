using System.Globalization;
using System.Text.RegularExpressions;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.RateLimit;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Auth;

/// <summary>
/// Nango's <c>secretKeyAuth</c> / connect-session auth: the same checks in the same order, with the same 401 codes.
/// </summary>
internal sealed partial class NangoAuthentication(IOptions<SandboxOptions> options, SandboxStore store, TimeProvider time)
{
    public (Caller? Caller, IResult? Error) FromHeader(HttpRequest request, bool allowSession, bool sessionOnly = false)
    {
        if (!request.Headers.TryGetValue("Authorization", out var header) || string.IsNullOrEmpty(header.ToString()))
            return Fail("missing_auth_header", "Authentication failed. The request is missing the Authorization header.");

        // Nango takes whatever follows the last "Bearer " (header.split('Bearer ').pop()), untrimmed. HTTP already
        // strips trailing spaces, so a bare "Bearer " arrives as "Bearer" and fails the format check instead.
        var key = header.ToString().Split("Bearer ")[^1];
        if (key.Length == 0)
            return Fail("malformed_auth_header", "Authentication failed. The Authorization header is malformed.");

        if (sessionOnly || (allowSession && key.StartsWith(Secrets.ConnectSessionPrefix, StringComparison.Ordinal)))
        {
            var (session, error) = Session(key);
            return error is null ? (new Caller(session), null) : (null, error);
        }

        if (!UuidV4Regex().IsMatch(key))
            return Fail("invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4.");
        // Note: constant-time comparison, as a real key store lookup by hash would not leak the key byte by byte.
        if (!Secrets.FixedTimeEquals(key, options.Value.SecretKey))
            return Fail("unknown_account", "Authentication failed. The provided secret key does not match any account.");
        return (Caller.SecretKey, null);
    }

    /// <summary>Browser endpoints take the token as <c>?connect_session_token=</c> (legacy: <c>public_key</c>).</summary>
    public (ConnectSession? Session, IResult? Error) FromQuery(HttpRequest request)
    {
        var token = request.Query["connect_session_token"].ToString();
        if (token.Length == 0)
        {
            // Note: accounts created after Nango's public-key deprecation date get this answer; a sandbox is always new.
            if (request.Query.ContainsKey("public_key"))
            {
                var (_, deprecated) = Fail("deprecated_authentication", "Public key authentication is deprecated. Use a connect session token.");
                return (null, deprecated);
            }
            var (_, missing) = Fail("missing_public_key", "Authentication failed. The request is missing a connect session token.");
            return (null, missing);
        }
        return Session(token);
    }

    private (ConnectSession? Session, IResult? Error) Session(string token)
    {
        if (!SessionTokenRegex().IsMatch(token))
            return (null, Error("invalid_connect_session_token_format", "Authentication failed. The connect session token is not in the expected format."));
        var session = store.FindSession(token, time.GetUtcNow());
        return session is null
            ? (null, Error("unknown_connect_session_token", "Authentication failed. The connect session token is unknown or expired."))
            : (session, null);
    }

    private static (Caller?, IResult?) Fail(string code, string message) => (null, Error(code, message));

    private static IResult Error(string code, string message) =>
        NangoResults.Error(StatusCodes.Status401Unauthorized, code, message, payload: new Dictionary<string, object>());

    [GeneratedRegex("^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$", RegexOptions.IgnoreCase)]
    private static partial Regex UuidV4Regex();

    [GeneratedRegex("^nango_connect_session_[a-f0-9]{64}$")]
    private static partial Regex SessionTokenRegex();
}

internal static class AuthenticationFilters
{
    /// <summary>Secret key only. <paramref name="rateLimited"/> = false for the sandbox's own controls, which Nango has not.</summary>
    public static TBuilder RequireSecretKey<TBuilder>(this TBuilder builder, bool rateLimited = true) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => Run(context, next, allowSession: false, sessionOnly: false, rateLimited));

    /// <summary>Secret key or connect session token (what Connect UI reads with).</summary>
    public static TBuilder RequireSecretKeyOrSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => Run(context, next, allowSession: true, sessionOnly: false, rateLimited: true));

    /// <summary>Connect session token only.</summary>
    public static TBuilder RequireSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => Run(context, next, allowSession: true, sessionOnly: true, rateLimited: true));

    private static async ValueTask<object?> Run(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        bool allowSession, bool sessionOnly, bool rateLimited)
    {
        var http = context.HttpContext;
        var (caller, error) = http.RequestServices.GetRequiredService<NangoAuthentication>().FromHeader(http.Request, allowSession, sessionOnly);
        if (error is not null)
            return error;
        caller!.Attach(http);
        // Nango limits after authentication, per account key; the sandbox has one secret key, so one window.
        if (rateLimited && caller.Session is null
            && http.RequestServices.GetRequiredService<ApiRateLimiter>().Consume("secret-key") is { } decision)
        {
            var headers = http.Response.Headers;
            headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            if (!decision.Allowed)
            {
                headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                return NangoResults.Json(new { error = new { code = "too_many_request", method = http.Request.Method, path = http.Request.Path.Value } },
                    StatusCodes.Status429TooManyRequests);
            }
        }
        return await next(context);
    }
}
