using System.Security.Claims;
using CybrLink.Core.EndUsers;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CybrLink.Web.Api;

/// <summary>What offboarding did: each connection's revocation, and how many agent tokens it revoked.</summary>
public sealed record OffboardingResponse(string EndUserId, IReadOnlyList<RevocationResponse> Connections, int AgentTokensRevoked);

public static class EndUsersApi
{
    public static RouteGroupBuilder MapEndUsersApi(this RouteGroupBuilder v1)
    {
        var endUsers = v1.MapGroup("/end-users").WithTags("End users");
        endUsers.MapDelete("/{id}", OffboardAsync).WithName("OffboardEndUser")
            .WithSummary("Offboard an end user: revoke all their agent tokens and all their connections.")
            .WithDescription(
                "Agent tokens bound to the end user are revoked first, in one step (`agent_tokens_revoked` counts those " +
                "that were still valid). Then every connection of the end user is revoked as `DELETE /api/v1/connections/{id}` " +
                "does, each with its own steps. Repeating it is safe. 404 `end_user_not_found` when CybrLink has never " +
                "seen the id (no end-user record, connection or token).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static async Task<Results<Ok<OffboardingResponse>, ProblemHttpResult>> OffboardAsync(
        string id, EndUserOffboarder offboarder, ClaimsPrincipal caller, CancellationToken ct) =>
        await offboarder.OffboardAsync(id, ApiActors.Of(caller), ct) is { } result
            ? TypedResults.Ok(new OffboardingResponse(
                result.EndUserId, [.. result.Connections.Select(RevocationResponse.From)], result.AgentTokensRevoked))
            : ApiProblems.Result(404, "end_user_not_found", "No such end user.");
}
