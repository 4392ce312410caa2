using System.Security.Claims;
using System.Text.Encodings.Web;
using CybrLink.Core.ServerKeys;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Api;

/// <summary><c>Authorization: Bearer cbl_...</c> for the server API.</summary>
internal sealed class ServerKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ServerKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ServerKey";
    public const string KeyIdClaim = "cybrlink:server_key_id";

    private const string FailureItem = "cybrlink:auth_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("malformed_authorization", "The Authorization header must be 'Bearer <key>'.");
        }

        var token = header["Bearer ".Length..].Trim();
        var key = await keys.AuthenticateAsync(token, Context.RequestAborted);
        if (key is null)
        {
            // Note: unknown, malformed and revoked keys get the same answer, so a caller learns nothing about which.
            return Fail("invalid_api_key", "The API key is not valid or has been revoked.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(KeyIdClaim, key.Id.ToString()), new Claim(ClaimTypes.Name, key.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, detail) = Context.Items[FailureItem] as (string, string)?
            ?? ("missing_api_key", "Send a server key as 'Authorization: Bearer cbl_...'.");
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, "Authentication is required.", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "This key may not do that.");

    private AuthenticateResult Fail(string code, string detail)
    {
        Context.Items[FailureItem] = (code, detail);
        return AuthenticateResult.Fail(detail);
    }
}
