using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// The one writer of a session's outcome: completed (from a connection Nango confirmed), a failed attempt, cancelled
/// or expired. The browser flow, Nango's webhooks and reconciliation all go through here.
/// </summary>
public sealed class ConnectSessionCompleter(
    IDbContextFactory<CybrLinkDbContext> dbFactory, ConnectionRecorder recorder, NangoSessionTokens nangoTokens, AuditLog audit,
    TimeProvider time)
{
    /// <summary>
    /// Completes a session with a connection Nango confirmed (browser report, webhook or reconciliation) and records
    /// the connection. Returns null when the session was already finished (it completes once), or when the connection
    /// is of another integration than the session's.
    /// </summary>
    public async Task<ConnectCompletion?> CompleteAsync(
        Guid sessionId, string integrationKey, string nangoConnectionId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var session = await db.ConnectSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || !session.IsOpen || session.IntegrationKey != integrationKey)
        {
            return null;
        }

        // Single use, even against a concurrent completion: only one conditional update can move it to Completed.
        var claimed = await db.ConnectSessions
            .Where(s => s.Id == sessionId)
            .Where(ConnectSession.IsOpenExpression)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, ConnectSessionStatus.Completed)
                .SetProperty(x => x.FinishedAt, now)
                .SetProperty(x => x.ErrorCode, (string?)null)
                .SetProperty(x => x.NangoTokenProtected, (string?)null), ct);
        if (claimed == 0)
        {
            return null;
        }

        var who = actor.For(session.EndUserId);
        var connection = await recorder.RecordAsync(db, new NangoConnectionFacts(
            nangoConnectionId, session.IntegrationKey, session.EndUserId, session.OrganizationId, session.Id,
            session.AttemptConfigJson), who, ct);
        await db.ConnectSessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConnectionId, connection.Id), ct);
        audit.Add(db, AuditActions.SessionCompleted, who, AuditTarget.ConnectSession(session.Id), $"connection={connection.Id}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // Note: Nango's session token would otherwise stay usable for its 30 minutes; single use is enforced here
        // and, from now on, at Nango too.
        await nangoTokens.RevokeAsync(session.NangoTokenProtected, ct);
        return new ConnectCompletion(session.Id, connection.Id, ReturnUrls.Success(session, connection.Id));
    }

    /// <summary>The completion of a session that completed with that Nango connection, or null.</summary>
    public static async Task<ConnectCompletion?> CompletedWithAsync(
        CybrLinkDbContext db, ConnectSession session, string nangoConnectionId, CancellationToken ct)
    {
        if (session.Status != ConnectSessionStatus.Completed || session.ConnectionId is not { } connectionId)
        {
            return null;
        }

        var nangoId = await db.Connections.Where(c => c.Id == connectionId).Select(c => c.NangoConnectionId).SingleOrDefaultAsync(ct);
        return nangoId == nangoConnectionId
            ? new ConnectCompletion(session.Id, connectionId, ReturnUrls.Success(session, connectionId))
            : null;
    }

    /// <summary>An attempt failed (consent denied, provider error). The session stays open for another try.</summary>
    /// <returns>False when the session is finished (a completion that raced this report wins) or already shows that error.</returns>
    public async Task<bool> RecordFailedAttemptAsync(Guid sessionId, string errorCode, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var code = ErrorCodes.Normalize(errorCode);
        // Note: conditional, like completion: a webhook completing the session between a read and a write here must
        // never be overwritten by this report.
        var changed = await db.ConnectSessions
            .Where(s => s.Id == sessionId && (s.ErrorCode != code || s.Status == ConnectSessionStatus.Pending))
            .Where(ConnectSession.IsOpenExpression)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, ConnectSessionStatus.Opened)
                .SetProperty(x => x.ErrorCode, code), ct);
        if (changed == 0)
        {
            return false;
        }

        var endUserId = await db.ConnectSessions.Where(s => s.Id == sessionId).Select(s => s.EndUserId).SingleAsync(ct);
        audit.Add(db, AuditActions.SessionAttemptFailed, actor.For(endUserId), AuditTarget.ConnectSession(sessionId), $"error={code}");
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <returns>The cancelled session, or null if there is none with that id.</returns>
    /// <exception cref="ConnectSessionStateException">It already completed, expired or was cancelled.</exception>
    public async Task<ConnectSession?> CancelAsync(Guid sessionId, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ConnectSessions.SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        session.EnsureUsable(now);
        var nangoToken = session.NangoTokenProtected;
        session.Cancel(now);
        audit.Add(db, AuditActions.SessionCancelled, actor, AuditTarget.ConnectSession(session.Id));
        await db.SaveChangesAsync(ct);
        await nangoTokens.RevokeAsync(nangoToken, ct);
        return session;
    }

    /// <summary>Marks open sessions past their expiry as expired (and audits each). Returns how many.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var overdue = await db.ConnectSessions.Where(ConnectSession.IsOpenExpression).Where(s => s.ExpiresAt <= now).ToListAsync(ct);
        foreach (var session in overdue)
        {
            session.Expire(now);
            audit.Add(db, AuditActions.SessionExpired, AuditActor.System, AuditTarget.ConnectSession(session.Id));
        }

        await db.SaveChangesAsync(ct);
        return overdue.Count;
    }
}
