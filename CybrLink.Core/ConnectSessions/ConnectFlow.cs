using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// The end user's side of a session, step by step in the Connect UI: open the page, report a failed attempt, poll,
/// leave. Starting an attempt is <see cref="ConnectAttempts"/>; confirming its result is <see cref="ConnectResultConfirmer"/>.
/// </summary>
public sealed class ConnectFlow(
    IDbContextFactory<CybrLinkDbContext> dbFactory, CatalogService catalog, ConnectSessionCompleter completer, AuditLog audit,
    TimeProvider time)
{
    /// <summary>The end user opened the link: what the Connect page shows. The first open is recorded.</summary>
    /// <exception cref="ConnectSessionStateException">Unknown, expired, used or cancelled session.</exception>
    public async Task<ConnectPage> OpenAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await ConnectSessionLookup.ByTokenAsync(db, token, ct);
        var now = time.GetUtcNow();
        session.EnsureUsable(now);
        if (session.Open(now))
        {
            audit.Add(db, AuditActions.SessionOpened, AuditActor.EndUser(session.EndUserId), AuditTarget.ConnectSession(session.Id));
            await db.SaveChangesAsync(ct);
        }

        var integration = await catalog.FindAsync(session.IntegrationKey, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
        var locked = JsonSerializer.Deserialize<Dictionary<string, string>>(session.ConnectionConfigJson) ?? [];
        return new ConnectPage(
            session.Id, session.EffectiveStatus(now), session.Locale, integration,
            [.. integration.Fields.ConnectionConfig.Select(f => new ConnectField(f, locked.GetValueOrDefault(f.Name)))],
            session.EndUserId, session.EndUserEmail, session.EndUserDisplayName, session.OrganizationName,
            session.ReturnUrl is not null, session.ExpiresAt, session.ReconnectConnectionId is not null, session.ErrorCode);
    }

    /// <summary>The browser reports a failed attempt (e.g. consent denied). The session stays open for a retry.</summary>
    public async Task ReportFailureAsync(string token, string errorCode, CancellationToken ct = default)
    {
        Guid sessionId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var session = await ConnectSessionLookup.ByTokenAsync(db, token, ct);
            session.EnsureUsable(time.GetUtcNow());
            sessionId = session.Id;
        }

        await completer.RecordFailedAttemptAsync(sessionId, errorCode, AuditActor.SessionEndUser, ct);
    }

    /// <summary>For the page's polling (popup blocked or hidden, flow finished in another tab or by webhook).</summary>
    public async Task<ConnectPollStatus> PollAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await ConnectSessionLookup.ByTokenAsync(db, token, ct);
        var status = session.EffectiveStatus(time.GetUtcNow());
        return new ConnectPollStatus(
            status, session.ConnectionId, session.ErrorCode,
            status == ConnectSessionStatus.Completed && session.ConnectionId is { } id ? ReturnUrls.Success(session, id) : null);
    }

    /// <summary>Where "back to the app" goes after a failure the user gave up on, or null without a return URL.</summary>
    public async Task<string?> ErrorReturnUrlAsync(string token, string errorCode, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ReturnUrls.Error(await ConnectSessionLookup.ByTokenAsync(db, token, ct), errorCode);
    }
}
