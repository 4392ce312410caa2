using System.Security.Claims;
using CybrLink.Core.Audit;

namespace CybrLink.Web.Api;

/// <summary>The audit actor of a server-API request: the server key that made it.</summary>
public static class ApiActors
{
    public static AuditActor Of(ClaimsPrincipal caller) =>
        AuditActor.ServerKey(caller.FindFirstValue(ServerKeyAuthenticationHandler.KeyIdClaim));
}
