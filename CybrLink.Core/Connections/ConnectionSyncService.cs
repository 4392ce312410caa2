using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Connections;

public enum WebhookOutcome
{
    Processed,
    Ignored,
}

public sealed record ReconcileReport(int Listed, int Created, int Errored, int Recovered, int RevokedExternally, int SessionsExpired);

/// <summary>
/// Keeps CybrLink's connections in step with Nango without the browser: Nango's <c>auth</c> webhooks (a hint, fast) and
/// a periodic reconciliation against Nango's connection list (the truth, eventually).
/// </summary>
public sealed class ConnectionSyncService(
    IDbContextFactory<CybrLinkDbContext> dbFactory,
    INangoApi nango,
    ConnectSessionService sessions,
    ConnectionRecorder recorder,
    AuditLog audit,
    TimeProvider time)
{
    private const int PageSize = 1000;
    private static readonly (string, string?) NangoActor = (AuditActors.Nango, null);
    private static readonly (string, string?) SystemActor = (AuditActors.System, "reconciliation");

    /// <summary>Applies a webhook whose signature was verified. Replays are harmless: every step is idempotent.</summary>
    public async Task<WebhookOutcome> ApplyWebhookAsync(NangoWebhook webhook, CancellationToken ct = default)
    {
        if (webhook.Type != "auth" || webhook.ConnectionId is not { Length: > 0 } nangoId
            || webhook.ProviderConfigKey is not { Length: > 0 } integration)
        {
            return WebhookOutcome.Ignored;
        }

        var tags = webhook.Tags ?? new Dictionary<string, string>();
        var sessionId = SessionIdOf(tags);
        var endUserId = tags.GetValueOrDefault("end_user_id") ?? webhook.EndUser?.EndUserId;
        switch (webhook.Operation, webhook.Success)
        {
            case ("creation" or "override", true):
                if (sessionId is { } id && await sessions.CompleteConfirmedAsync(id, nangoId, NangoActor, ct) is not null)
                {
                    return WebhookOutcome.Processed;
                }

                if (endUserId is null)
                {
                    // Not made through CybrLink (no end user to attribute it to): not CybrLink's to record.
                    return WebhookOutcome.Ignored;
                }

                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    await recorder.RecordAsync(db, new NangoConnectionFacts(
                        nangoId, integration, endUserId, tags.GetValueOrDefault("organization_id") ?? webhook.EndUser?.OrganizationId, sessionId), NangoActor, ct);
                    try
                    {
                        await db.SaveChangesAsync(ct);
                    }
                    catch (DbUpdateException) when (!ct.IsCancellationRequested)
                    {
                        // The browser's report may have recorded the same connection a moment earlier; if not, it is a
                        // real failure and Nango retries the webhook on the 500.
                        if (!await IsRecordedAsync(integration, nangoId, ct))
                        {
                            throw;
                        }
                    }
                }

                return WebhookOutcome.Processed;

            case ("refresh", false):
                return await MarkErrorAsync(integration, nangoId, Describe(webhook.Error), ct)
                    ? WebhookOutcome.Processed
                    : WebhookOutcome.Ignored;

            case ("creation", false) when sessionId is { } failedSession:
                await MarkSessionFailedAsync(failedSession, webhook.Error?.Type ?? "unknown_error", ct);
                return WebhookOutcome.Processed;

            default:
                return WebhookOutcome.Ignored;
        }
    }

    /// <summary>
    /// One reconciliation pass: creates connections CybrLink missed, records Nango's <c>errors[]</c>, marks connections
    /// gone from Nango as revoked externally, and expires overdue sessions.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken ct = default)
    {
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

        var ours = listed.Where(c => c.Tags is not null && c.Tags.ContainsKey(ConnectSessionService.SessionTag)).ToList();
        int created = 0, errored = 0, recovered = 0, revoked = 0;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Only sessions still open can be completed: one query, not one transaction per Nango connection per pass.
        var openSessions = (await db.ConnectSessions
            .Where(s => s.Status == ConnectSessionStatus.Pending || s.Status == ConnectSessionStatus.Opened
                || s.Status == ConnectSessionStatus.Failed)
            .Select(s => s.Id)
            .ToListAsync(ct)).ToHashSet();
        foreach (var remote in ours)
        {
            if (SessionIdOf(remote.Tags!) is { } id && openSessions.Contains(id)
                && await sessions.CompleteConfirmedAsync(id, remote.ConnectionId, SystemActor, ct) is not null)
            {
                created++;
            }
        }

        var now = time.GetUtcNow();
        var local = await db.Connections.ToListAsync(ct);
        var localByKey = local.ToDictionary(c => (c.IntegrationKey, c.NangoConnectionId));
        foreach (var remote in ours)
        {
            if (!localByKey.TryGetValue((remote.ProviderConfigKey, remote.ConnectionId), out var connection))
            {
                var endUserId = remote.Tags!.GetValueOrDefault("end_user_id") ?? remote.EndUser?.Id;
                if (endUserId is null)
                {
                    continue;
                }

                connection = await recorder.RecordAsync(db, new NangoConnectionFacts(
                    remote.ConnectionId, remote.ProviderConfigKey, endUserId,
                    remote.Tags!.GetValueOrDefault("organization_id") ?? remote.EndUser?.Organization?.Id,
                    SessionIdOf(remote.Tags!)), SystemActor, ct);
                created++;
            }

            connection.LastCheckedAt = now;
            var authError = remote.Errors.FirstOrDefault(e => e.Type == "auth");
            if (authError is not null && connection.Status == ConnectionStatus.Active)
            {
                connection.Status = ConnectionStatus.Error;
                connection.ErrorDetail = "Nango reports an authorization error (refresh failing); the end user must reconnect.";
                connection.UpdatedAt = now;
                audit.Add(db, AuditActions.ConnectionErrored, SystemActor, Target(connection), "nango errors[]: auth");
                errored++;
            }
            else if (authError is null && connection.Status == ConnectionStatus.Error)
            {
                connection.Status = ConnectionStatus.Active;
                connection.ErrorDetail = null;
                connection.UpdatedAt = now;
                audit.Add(db, AuditActions.ConnectionUpdated, SystemActor, Target(connection), "status=active (errors cleared)");
                recovered++;
            }
        }

        var remoteKeys = listed.Select(c => (c.ProviderConfigKey, c.ConnectionId)).ToHashSet();
        foreach (var gone in local.Where(c => c.Status != ConnectionStatus.Revoked && !remoteKeys.Contains((c.IntegrationKey, c.NangoConnectionId))))
        {
            gone.Status = ConnectionStatus.Revoked;
            gone.RevokedAt = now;
            gone.ErrorDetail = "The connection no longer exists in Nango.";
            gone.UpdatedAt = now;
            audit.Add(db, AuditActions.ConnectionRevokedExternally, SystemActor, Target(gone));
            revoked++;
        }

        await db.SaveChangesAsync(ct);
        var expired = await sessions.ExpireOverdueAsync(ct);
        return new ReconcileReport(ours.Count, created, errored, recovered, revoked, expired);
    }

    private async Task<bool> IsRecordedAsync(string integration, string nangoId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Connections.AnyAsync(c => c.IntegrationKey == integration && c.NangoConnectionId == nangoId, ct);
    }

    private async Task<bool> MarkErrorAsync(string integration, string nangoId, string detail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.Connections.SingleOrDefaultAsync(c => c.IntegrationKey == integration && c.NangoConnectionId == nangoId, ct);
        if (connection is null)
        {
            return false;
        }

        if (connection.Status == ConnectionStatus.Active)
        {
            connection.Status = ConnectionStatus.Error;
            connection.ErrorDetail = detail;
            connection.UpdatedAt = time.GetUtcNow();
            audit.Add(db, AuditActions.ConnectionErrored, NangoActor, Target(connection), detail);
            await db.SaveChangesAsync(ct);
        }

        return true;
    }

    private async Task MarkSessionFailedAsync(Guid sessionId, string errorType, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ConnectSessions.SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || session.IsTerminal || session.ErrorCode == errorType)
        {
            return;
        }

        session.Status = ConnectSessionStatus.Failed;
        session.ErrorCode = errorType.Length > 64 ? errorType[..64] : errorType;
        audit.Add(db, AuditActions.SessionFailed, NangoActor, ("connect_session", session.Id.ToString()), $"error={session.ErrorCode}");
        await db.SaveChangesAsync(ct);
    }

    private static Guid? SessionIdOf(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(ConnectSessionService.SessionTag, out var raw) && Guid.TryParse(raw, out var id) ? id : null;

    // Nango's description may quote the provider's answer; keep it short and free of anything token-like.
    private static string Describe(NangoWebhookError? error) =>
        $"Token refresh failed at the provider ({error?.Type ?? "unknown"}); the end user must reconnect.";

    private static (string, string) Target(Connection c) => ("connection", c.Id.ToString());
}
