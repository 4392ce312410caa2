using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.NangoSync;

public sealed record ReconcileReport(
    int Listed, int Created, int Errored, int Recovered, int RevokedExternally, int SessionsExpired, int NangoDeletesRetried = 0);

/// <summary>
/// Keeps CybrLink's connections in step with Nango's connection list (the truth, eventually): completes sessions
/// whose browser never reported, records connections CybrLink missed, follows Nango's <c>errors[]</c>, marks
/// connections gone from Nango as revoked, expires overdue sessions, and retries the Nango delete of revoked
/// connections whose delete failed. A revoked connection Nango still lists is never revived nor recorded again.
/// </summary>
public sealed class ConnectionReconciler(
    IDbContextFactory<CybrLinkDbContext> dbFactory, INangoApi nango, ConnectSessionCompleter completer, ConnectionRecorder recorder,
    ConnectionRevoker revoker)
{
    private const int PageSize = 1000;

    /// <summary>Pending Nango deletes retried per pass: small, so the pass does not eat the agents' Nango budget.</summary>
    public const int MaxDeletesPerPass = 20;

    private static readonly AuditActor Actor = AuditActor.Reconciliation;

    public async Task<ReconcileReport> ReconcileAsync(CancellationToken ct = default)
    {
        // First, so the list below no longer shows what was just deleted.
        var deletesRetried = await revoker.RetryPendingDeletesAsync(MaxDeletesPerPass, ct);

        // The whole list first: if Nango fails midway, nothing is marked revoked on a partial view.
        var listed = new List<NangoConnection>();
        for (var page = 0; ; page++)
        {
            var batch = (await nango.ListConnectionsAsync(new NangoConnectionFilter { Limit = PageSize, Page = page }, ct)).Connections;
            listed.AddRange(batch);
            if (batch.Count < PageSize)
            {
                break;
            }
        }

        var ours = listed.Where(c => NangoTags.SessionIdOf(c.Tags) is not null).ToList();
        var created = await CompleteOpenSessionsAsync(ours, ct);
        int errored = 0, recovered = 0, revoked = 0;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Note: demo connections (seed-demo) are not in Nango by design; reading them would mark them all revoked.
        var local = await db.Connections.Where(c => !c.IsDemo).ToListAsync(ct);
        var localByKey = local.ToDictionary(c => (c.IntegrationKey, c.NangoConnectionId));
        foreach (var remote in ours)
        {
            // Note: a connection revoked in CybrLink whose Nango delete is still pending is listed here, and found
            // locally: the recorder keeps it revoked (Reauthorise, MarkErrored and MarkRecovered leave Revoked alone).
            if (!localByKey.TryGetValue((remote.ProviderConfigKey, remote.ConnectionId), out var connection))
            {
                var endUserId = remote.Tags!.GetValueOrDefault(NangoTags.EndUserId) ?? remote.EndUser?.Id;
                if (endUserId is null)
                {
                    continue;
                }

                connection = await recorder.RecordAsync(db, new NangoConnectionFacts(
                    remote.ConnectionId, remote.ProviderConfigKey, endUserId,
                    remote.Tags!.GetValueOrDefault(NangoTags.OrganizationId) ?? remote.EndUser?.Organization?.Id,
                    NangoTags.SessionIdOf(remote.Tags)), Actor, ct);
                created++;
            }

            recorder.Touch(connection);
            var was = connection.Status;
            if (remote.Errors.Any(e => e.Type == "auth"))
            {
                recorder.MarkErrored(db, connection,
                    "Nango reports an authorization error (refresh failing); the end user must reconnect.", Actor);
            }
            else
            {
                recorder.MarkRecovered(db, connection, Actor);
            }

            errored += was == ConnectionStatus.Active && connection.Status == ConnectionStatus.Error ? 1 : 0;
            recovered += was == ConnectionStatus.Error && connection.Status == ConnectionStatus.Active ? 1 : 0;
        }

        var remoteKeys = listed.Select(c => (c.ProviderConfigKey, c.ConnectionId)).ToHashSet();
        foreach (var gone in local.Where(c => c.Status != ConnectionStatus.Revoked && !remoteKeys.Contains((c.IntegrationKey, c.NangoConnectionId))))
        {
            recorder.MarkGone(db, gone, Actor);
            revoked++;
        }

        await db.SaveChangesAsync(ct);
        var expired = await completer.ExpireOverdueAsync(ct);
        return new ReconcileReport(ours.Count, created, errored, recovered, revoked, expired, deletesRetried);
    }

    /// <summary>Sessions still open whose connection Nango lists: one query, not a transaction per Nango connection.</summary>
    private async Task<int> CompleteOpenSessionsAsync(IReadOnlyList<NangoConnection> ours, CancellationToken ct)
    {
        HashSet<Guid> open;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            open = (await db.ConnectSessions.Where(ConnectSession.IsOpenExpression).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        }

        var completed = 0;
        foreach (var remote in ours)
        {
            if (NangoTags.SessionIdOf(remote.Tags) is { } id && open.Contains(id)
                && await completer.CompleteAsync(id, remote.ProviderConfigKey, remote.ConnectionId, Actor, ct) is not null)
            {
                completed++;
            }
        }

        return completed;
    }
}
