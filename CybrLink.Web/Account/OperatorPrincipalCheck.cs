using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Account;

/// <summary>
/// Is a signed-in principal still good? Its operator must exist, not be disabled, and carry the operator's current
/// security stamp (a sign-out, disable or role change replaces the stamp).
/// </summary>
public sealed class OperatorPrincipalCheck(UserManager<IdentityUser> users, IOptions<IdentityOptions> identity)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        var claimed = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return claimed is not null && string.Equals(claimed, await users.GetSecurityStampAsync(user), StringComparison.Ordinal);
    }
}
