using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.AgentAccess;

/// <summary>
/// The links an agent can hand to its end user: a connect session for exactly that end user and integration, or a
/// reconnect session for a connection whose credential stopped working. The agent gets a URL, never a credential.
/// </summary>
public sealed class AgentConnectLinks(IDbContextFactory<CybrLinkDbContext> dbFactory, ConnectSessionService sessions)
{
    public async Task<CreatedConnectSession> ConnectAsync(Guid agentId, string endUserId, string integration, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.EndUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == endUserId, ct);
        var command = new CreateConnectSessionCommand(
            new EndUserInput(endUserId, user?.Email, user?.DisplayName),
            integration,
            user?.OrganizationId is { } org ? new OrganizationInput(org, user.OrganizationName) : null);
        return await sessions.CreateAsync(command, AuditActor.Agent(agentId), ct);
    }

    /// <returns>Null when the connection cannot be re-authorised (gone or revoked).</returns>
    public async Task<CreatedConnectSession?> ReconnectAsync(Guid agentId, Guid connectionId, CancellationToken ct)
    {
        try
        {
            return await sessions.CreateReconnectAsync(connectionId, new ReconnectCommand(), AuditActor.Agent(agentId), ct);
        }
        catch (ConnectSessionStateException)
        {
            return null;
        }
    }
}
