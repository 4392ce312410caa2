using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Connections;

/// <summary>What is known about a connection Nango holds (from the browser's confirmed report, a webhook or the list).</summary>
public sealed record NangoConnectionFacts(
    string NangoConnectionId, string IntegrationKey, string EndUserId, string? OrganizationId, Guid? ConnectSessionId,
    string? ConnectionConfigJson = null);

/// <summary>
/// CybrLink's record of Nango's connections, changed inside the caller's unit of work (saved with its SaveChanges) and
/// audited with it: created, re-authorised, errored, recovered, gone.
/// </summary>
public sealed class ConnectionRecorder(AuditLog audit, TimeProvider time)
{
    /// <summary>Creates the record, or re-authorises an existing one. A revoked connection stays revoked.</summary>
    /// <returns>The connection row (tracked).</returns>
    public async Task<Connection> RecordAsync(CybrLinkDbContext db, NangoConnectionFacts facts, AuditActor actor, CancellationToken ct)
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
                ConnectionConfigJson = facts.ConnectionConfigJson,
                Status = ConnectionStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
                LastCheckedAt = now,
            };
            db.Connections.Add(connection);
            audit.Add(db, AuditActions.ConnectionCreated, actor, AuditTarget.Connection(connection.Id),
                $"integration={facts.IntegrationKey} end_user={facts.EndUserId}");
            return connection;
        }

        connection.LastCheckedAt = now;
        if (connection.Reauthorise(facts.ConnectSessionId, facts.ConnectionConfigJson, now))
        {
            audit.Add(db, AuditActions.ConnectionUpdated, actor, AuditTarget.Connection(connection.Id), "status=active");
        }

        return connection;
    }

    public void MarkErrored(CybrLinkDbContext db, Connection connection, string detail, AuditActor actor)
    {
        if (connection.MarkErrored(detail, time.GetUtcNow()))
        {
            audit.Add(db, AuditActions.ConnectionErrored, actor, AuditTarget.Connection(connection.Id), detail);
        }
    }

    public void MarkRecovered(CybrLinkDbContext db, Connection connection, AuditActor actor)
    {
        if (connection.Recover(time.GetUtcNow()))
        {
            audit.Add(db, AuditActions.ConnectionUpdated, actor, AuditTarget.Connection(connection.Id), "status=active (errors cleared)");
        }
    }

    public void MarkGone(CybrLinkDbContext db, Connection connection, AuditActor actor)
    {
        connection.MarkRevokedExternally(time.GetUtcNow());
        audit.Add(db, AuditActions.ConnectionRevokedExternally, actor, AuditTarget.Connection(connection.Id));
    }

    public void Touch(Connection connection) => connection.LastCheckedAt = time.GetUtcNow();

    private static bool Matches(Connection c, NangoConnectionFacts f) =>
        c.IntegrationKey == f.IntegrationKey && c.NangoConnectionId == f.NangoConnectionId;
}
