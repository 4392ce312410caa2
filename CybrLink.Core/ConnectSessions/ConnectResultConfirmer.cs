using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// The browser reports the Nango connection id of a finished attempt. CybrLink believes it only once Nango's list shows
/// that connection with this session's tag; then the session completes (once).
/// </summary>
public sealed class ConnectResultConfirmer(
    IDbContextFactory<CybrLinkDbContext> dbFactory, INangoApi nango, ConnectSessionCompleter completer, TimeProvider time)
{
    public async Task<ConnectCompletion> CompleteAsync(string token, string nangoConnectionId, CancellationToken ct = default)
    {
        Guid sessionId;
        string integrationKey;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var session = await ConnectSessionLookup.ByTokenAsync(db, token, ct);
            // A repeated report (double click, retry after a lost response) gets the same answer.
            if (await ConnectSessionCompleter.CompletedWithAsync(db, session, nangoConnectionId, ct) is { } done)
            {
                return done;
            }

            session.EnsureUsable(time.GetUtcNow());
            sessionId = session.Id;
            integrationKey = session.IntegrationKey;
        }

        // Note: the WebSocket message and the browser are hints anyone could forge; Nango's list is the proof.
        var listed = await nango.ListConnectionsAsync(new NangoConnectionFilter
        {
            ConnectionId = nangoConnectionId,
            IntegrationIds = [integrationKey],
            Tags = new Dictionary<string, string> { [NangoTags.SessionId] = sessionId.ToString() },
        }, ct);
        if (!listed.Connections.Any(c => c.ConnectionId == nangoConnectionId && c.ProviderConfigKey == integrationKey))
        {
            throw new ConnectSessionStateException(ConnectSessionProblem.NotConfirmed);
        }

        if (await completer.CompleteAsync(sessionId, integrationKey, nangoConnectionId, AuditActor.SessionEndUser, ct) is { } completion)
        {
            return completion;
        }

        // Nango's webhook (or reconciliation) may have completed the session with this very connection a moment
        // ago; the browser then gets the same answer rather than "already used".
        await using var again = await dbFactory.CreateDbContextAsync(ct);
        var finished = await again.ConnectSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct);
        return await ConnectSessionCompleter.CompletedWithAsync(again, finished, nangoConnectionId, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.AlreadyUsed, finished.Locale);
    }
}
