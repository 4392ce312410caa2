using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Connections;

/// <summary>What is known about a connection Nango holds (from the browser's confirmed report, a webhook or the list).</summary>
public sealed record NangoConnectionFacts(
    string NangoConnectionId, string IntegrationKey, string EndUserId, string? OrganizationId, Guid? ConnectSessionId);

/// <summary>Creates or refreshes CybrLink's record of a Nango connection, idempotently, inside the caller's unit of work.</summary>
public sealed class ConnectionRecorder(AuditLog audit, TimeProvider time)
{
    /// <returns>The connection row (tracked; saved with the caller's SaveChanges).</returns>
    public async Task<Connection> RecordAsync(
        CybrLinkDbContext db, NangoConnectionFacts facts, (string Type, string? Id) actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var connection = db.Connections.Local.FirstOrDefault(c => Matches(c, facts))
            ?? await db.Connections.SingleOrDefaultAsync(
                c => c.IntegrationKey == facts.IntegrationKey && c.NangoConnectionId == facts.NangoConnectionId, ct);
        if (connection is null)
        {
            connection = new Connection
            {
                Id = Guid.CreateVersion7(),
                NangoConnectionId = facts.NangoConnectionId,
                IntegrationKey = facts.IntegrationKey,
                EndUserId = facts.EndUserId,
                OrganizationId = facts.OrganizationId,
                ConnectSessionId = facts.ConnectSessionId,
                Status = ConnectionStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
                LastCheckedAt = now,
            };
            db.Connections.Add(connection);
            audit.Add(db, AuditActions.ConnectionCreated, actor, ("connection", connection.Id.ToString()),
                $"integration={facts.IntegrationKey} end_user={facts.EndUserId}");
            return connection;
        }

        connection.LastCheckedAt = now;
        // Re-authorised (a reconnect, or a new consent for the same Nango id): usable again.
        var reauthorised = facts.ConnectSessionId is { } sessionId && sessionId != connection.ConnectSessionId;
        if (connection.Status != ConnectionStatus.Active || reauthorised)
        {
            connection.Status = ConnectionStatus.Active;
            connection.ErrorDetail = null;
            connection.RevokedAt = null;
            connection.ConnectSessionId = facts.ConnectSessionId ?? connection.ConnectSessionId;
            connection.UpdatedAt = now;
            audit.Add(db, AuditActions.ConnectionUpdated, actor, ("connection", connection.Id.ToString()), "status=active");
        }

        return connection;
    }

    private static bool Matches(Connection c, NangoConnectionFacts f) =>
        c.IntegrationKey == f.IntegrationKey && c.NangoConnectionId == f.NangoConnectionId;
}
