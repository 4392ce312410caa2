using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// Connect sessions as the operator's server sees them: create one for an end user and an integration, create one
/// that re-authorises a connection, read one. The end user's side is <see cref="ConnectFlow"/>; outcomes are written by
/// <see cref="ConnectSessionCompleter"/>.
/// </summary>
public sealed class ConnectSessionService(
    IDbContextFactory<CybrLinkDbContext> dbFactory,
    ConnectSessionCommandValidator validator,
    EndUserDirectory endUsers,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<CreatedConnectSession> CreateAsync(
        CreateConnectSessionCommand command, AuditActor actor, CancellationToken ct = default)
    {
        var valid = await validator.ValidateAsync(command, ct);
        return await CreateSessionAsync(valid, reconnectConnectionId: null, actor, ct);
    }

    /// <summary>
    /// A session that re-authorises an existing connection (same connection afterwards). It carries the end user and
    /// the connection settings the connection was made with, shown locked, so nobody has to type them again.
    /// </summary>
    /// <returns>Null when there is no such connection.</returns>
    /// <exception cref="ConnectSessionStateException">The connection was revoked.</exception>
    public async Task<CreatedConnectSession?> CreateReconnectAsync(
        Guid connectionId, ReconnectCommand command, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null)
        {
            return null;
        }

        if (connection.Status == ConnectionStatus.Revoked)
        {
            throw new ConnectSessionStateException(ConnectSessionProblem.ConnectionRevoked);
        }

        var endUser = await db.EndUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == connection.EndUserId, ct);
        var config = JsonSerializer.Deserialize<Dictionary<string, string>>(connection.ConnectionConfigJson ?? "{}") ?? [];
        var valid = await validator.ValidateReconnectAsync(
            connection.IntegrationKey,
            new EndUserInput(connection.EndUserId, endUser?.Email, endUser?.DisplayName),
            connection.OrganizationId is { } org ? new OrganizationInput(org, endUser?.OrganizationName) : null,
            config, command, ct);
        return await CreateSessionAsync(valid, connection.Id, actor, ct);
    }

    public async Task<ConnectSessionView?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ConnectSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return session is null ? null : ConnectSessionView.Of(session, time.GetUtcNow());
    }

    private async Task<CreatedConnectSession> CreateSessionAsync(
        ValidSession valid, Guid? reconnectConnectionId, AuditActor actor, CancellationToken ct)
    {
        var (integration, fields, config) = valid;
        await endUsers.UpsertAsync(fields.EndUser, fields.Organization, ct);

        var token = SecretTokens.Generate(ConnectSession.TokenPrefix);
        var now = time.GetUtcNow();
        var session = new ConnectSession
        {
            Id = Guid.CreateVersion7(),
            TokenHash = SecretTokens.Hash(token),
            IntegrationKey = integration.Key,
            EndUserId = fields.EndUser.Id,
            EndUserEmail = fields.EndUser.Email,
            EndUserDisplayName = fields.EndUser.DisplayName,
            OrganizationId = fields.Organization?.Id,
            OrganizationName = fields.Organization?.DisplayName,
            ReturnUrl = fields.ReturnUrl,
            Locale = fields.Locale,
            ConnectionConfigJson = JsonSerializer.Serialize(config),
            ReconnectConnectionId = reconnectConnectionId,
            Status = ConnectSessionStatus.Pending,
            CreatedByKeyId = actor.Id,
            CreatedAt = now,
            ExpiresAt = now + fields.Lifetime,
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ConnectSessions.Add(session);
        audit.Add(db, AuditActions.SessionCreated, actor, AuditTarget.ConnectSession(session.Id),
            $"integration={integration.Key} end_user={fields.EndUser.Id}" + (reconnectConnectionId is { } r ? $" reconnect={r}" : ""));
        await db.SaveChangesAsync(ct);
        return new CreatedConnectSession(session.Id, token, session.ExpiresAt);
    }
}
