using System.Security.Claims;
using System.Text.Encodings.Web;
using CybrLink.Core.Agents;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore.Authentication;

namespace CybrLink.Web.Agents;

/// <summary>The agent API's credential: <c>Authorization: Bearer cbl_agent_…</c> (agent key) or <c>cbl_at_…</c> (agent token).</summary>
public static class AgentAuthentication
{
    public const string SchemeName = "Agent";

    /// <summary>The authorization policy of every agent endpoint (<c>/api/v1/agent/*</c>, MCP).</summary>
    public const string Policy = "Agent";

    public const string AgentIdClaim = "cybrlink:agent_id";
    public const string CredentialIdClaim = "cybrlink:agent_credential_id";

    public static AuthenticationBuilder AddAgentScheme(this AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(SchemeName, null);

    public static Microsoft.AspNetCore.Authorization.AuthorizationBuilder AddAgentPolicy(
        this Microsoft.AspNetCore.Authorization.AuthorizationBuilder builder) =>
        builder.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(AgentIdClaim));

    /// <summary>The caller an agent endpoint was authenticated as.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not behind <see cref="Policy"/>.</exception>
    public static AgentCaller GetAgentCaller(this HttpContext http) =>
        http.Features.Get<AgentCaller>()
        ?? throw new InvalidOperationException($"No agent caller: the endpoint must require the '{Policy}' policy.");
}

internal sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AgentCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <credential>'.");
        }

        var caller = await credentials.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The agent credential is not valid.");
        }

        Context.Features.Set(caller);
        var identity = new ClaimsIdentity(
            [
                new Claim(AgentAuthentication.AgentIdClaim, caller.AgentId.ToString()),
                new Claim(AgentAuthentication.CredentialIdClaim, caller.CredentialId.ToString()),
                new Claim(ClaimTypes.Name, caller.AgentName),
                // The MCP transport ties a stateful session to this claim: only the same credential can use the session.
                new Claim(ClaimTypes.NameIdentifier, caller.CredentialId.ToString()),
            ],
            AgentAuthentication.SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AgentAuthentication.SchemeName));
    }

    // Note: missing, malformed, unknown, revoked and expired credentials and disabled agents all get this one answer,
    // so a caller holding a leaked credential learns nothing about why it stopped working, or whether it ever did.
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Request.Path.StartsWithSegments(Mcp.McpSetup.Path, StringComparison.OrdinalIgnoreCase))
        {
            // MCP clients discover how to authenticate from WWW-Authenticate's resource_metadata (RFC 9728).
            await Context.ChallengeAsync(McpAuthenticationDefaults.AuthenticationScheme);
        }
        else
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "invalid_agent_credential",
            "Authentication is required.",
            "Send an active agent key or agent token as 'Authorization: Bearer cbl_agent_...' or 'Bearer cbl_at_...'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "This credential may not do that.");
}
