using CybrLink.Core.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CybrLink.Web.Agents;

/// <summary>Which credential is calling: <c>key</c> or <c>token</c>, told apart by its prefix.</summary>
public sealed record AgentCredentialResponse(AgentCredentialKind Kind, string Prefix);

/// <summary>
/// The calling agent. A token names the one end user it acts for and, when limited, its integrations; a key names
/// neither (null).
/// </summary>
public sealed record AgentMeResponse(
    Guid AgentId, string AgentName, AgentCredentialResponse Credential, string? EndUserId, IReadOnlyList<string>? Integrations);

public static class AgentMeApi
{
    public static RouteGroupBuilder MapAgentMeApi(this RouteGroupBuilder agent)
    {
        agent.MapGet("/me", GetMe).WithName("GetAgentMe").WithSummary("Which agent and credential is calling.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return agent;
    }

    public static Ok<AgentMeResponse> GetMe(HttpContext http)
    {
        var caller = http.GetAgentCaller();
        return TypedResults.Ok(new AgentMeResponse(
            caller.AgentId, caller.AgentName, new AgentCredentialResponse(caller.Kind, caller.CredentialPrefix),
            caller.EndUserId, caller.Integrations));
    }
}
