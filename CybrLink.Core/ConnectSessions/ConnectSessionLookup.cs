using CybrLink.Core.Data;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ConnectSessions;

internal static class ConnectSessionLookup
{
    /// <exception cref="ConnectSessionStateException">No session has that token.</exception>
    public static async Task<ConnectSession> ByTokenAsync(CybrLinkDbContext db, string token, CancellationToken ct)
    {
        if (!SecretTokens.HasShape(token, ConnectSession.TokenPrefix))
        {
            throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
        }

        // Note: looked up by SHA-256 of a 256-bit secret: the hash reveals nothing, so an index lookup is safe here.
        var hash = SecretTokens.Hash(token);
        return await db.ConnectSessions.SingleOrDefaultAsync(s => s.TokenHash == hash, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
    }
}
