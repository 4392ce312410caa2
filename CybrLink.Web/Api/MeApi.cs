using System.Security.Claims;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CybrLink.Web.Api;

public sealed record MeResponse(string KeyId, string KeyName, string KeyKind);

public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/me", GetMe).WithTags("Keys").WithName("GetMe")
            .WithSummary("Which key is calling.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return v1;
    }

    public static Ok<MeResponse> GetMe(ClaimsPrincipal user) =>
        TypedResults.Ok(new MeResponse(
            user.FindFirstValue(ServerKeyAuthenticationHandler.KeyIdClaim)!,
            user.Identity!.Name!,
            "server"));
}
