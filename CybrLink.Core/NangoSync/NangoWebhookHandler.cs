using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using CybrLink.Core.SystemState;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.NangoSync;

public enum WebhookOutcome
{
    Processed,
    Ignored,
}

/// <summary>
/// Nango's <c>auth</c> webhooks: a fast hint that a connection was made, re-authorised or is failing. A hint, like the
/// browser's report: every state change it causes is first confirmed against Nango's connection list, and it never
/// moves a connection out of revoked.
/// </summary>
public sealed class NangoWebhookHandler(
    IDbContextFactory<CybrLinkDbContext> dbFactory, INangoApi nango, ConnectSessionCompleter completer, ConnectionRecorder recorder,
    SystemStateStore state)
{
    /// <summary>Applies a webhook whose signature was verified. Replays are harmless: every step is idempotent.</summary>
    public async Task<WebhookOutcome> ApplyAsync(NangoWebhook webhook, CancellationToken ct = default)
    {
        // For the console's Nango health: webhooks arrive (whatever they are about).
        await state.SetAsync(SystemStateKeys.LastWebhook, $"{webhook.Type} {webhook.Operation}".Trim(), ct);
        if (webhook.Type != "auth" || webhook.ConnectionId is not { Length: > 0 } nangoId
            || webhook.ProviderConfigKey is not { Length: > 0 } integration)
        {
            return WebhookOutcome.Ignored;
        }

        var sessionId = NangoTags.SessionIdOf(webhook.Tags);
        return (webhook.Operation, webhook.Success) switch
        {
            ("creation" or "override", true) => await RecordAsync(webhook, nangoId, integration, sessionId, ct),
            ("refresh", false) => await MarkErroredAsync(integration, nangoId, webhook.Error, ct),
            // A failed attempt inside a session: the session stays open for a retry, with the error to show.
            ("creation", false) when sessionId is { } id =>
                await completer.RecordFailedAttemptAsync(id, webhook.Error?.Type ?? "unknown_error", AuditActor.Nango, ct)
                    ? WebhookOutcome.Processed
                    : WebhookOutcome.Ignored,
            _ => WebhookOutcome.Ignored,
        };
    }

    private async Task<WebhookOutcome> RecordAsync(
        NangoWebhook webhook, string nangoId, string integration, Guid? sessionId, CancellationToken ct)
    {
        // Note: a replayed or delayed webhook must not resurrect what Nango no longer has; Nango's list is the proof.
        var listed = await FindInNangoAsync(integration, nangoId, ct);
        if (listed is null)
        {
            return WebhookOutcome.Ignored;
        }

        if (sessionId is { } id && await completer.CompleteAsync(id, integration, nangoId, AuditActor.Nango, ct) is not null)
        {
            return WebhookOutcome.Processed;
        }

        var tags = listed.Tags ?? webhook.Tags ?? new Dictionary<string, string>();
        var endUserId = tags.GetValueOrDefault(NangoTags.EndUserId) ?? listed.EndUser?.Id ?? webhook.EndUser?.EndUserId;
        if (endUserId is null)
        {
            // Not made through CybrLink (no end user to attribute it to): not CybrLink's to record.
            return WebhookOutcome.Ignored;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await recorder.RecordAsync(db, new NangoConnectionFacts(
            nangoId, integration, endUserId,
            tags.GetValueOrDefault(NangoTags.OrganizationId) ?? listed.EndUser?.Organization?.Id, sessionId), AuditActor.Nango, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (!ct.IsCancellationRequested)
        {
            // The browser's report may have recorded the same connection a moment earlier; if not, it is a real
            // failure, and Nango retries the webhook on the 500.
            if (!await IsRecordedAsync(integration, nangoId, ct))
            {
                throw;
            }
        }

        return WebhookOutcome.Processed;
    }

    private async Task<WebhookOutcome> MarkErroredAsync(string integration, string nangoId, NangoWebhookError? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.Connections.SingleOrDefaultAsync(
            c => c.IntegrationKey == integration && c.NangoConnectionId == nangoId && !c.IsDemo, ct);
        if (connection is null)
        {
            return WebhookOutcome.Ignored;
        }

        // Confirmed by Nango's own record of the connection: an auth error that is still active.
        var listed = await FindInNangoAsync(integration, nangoId, ct);
        if (listed is null || !listed.Errors.Any(e => e.Type == "auth"))
        {
            return WebhookOutcome.Ignored;
        }

        // Nango's description may quote the provider's answer; keep ours short and free of anything token-like.
        recorder.MarkErrored(db, connection,
            $"Token refresh failed at the provider ({error?.Type ?? "unknown"}); the end user must reconnect.", AuditActor.Nango);
        await db.SaveChangesAsync(ct);
        return WebhookOutcome.Processed;
    }

    private async Task<NangoConnection?> FindInNangoAsync(string integration, string nangoId, CancellationToken ct)
    {
        var listed = await nango.ListConnectionsAsync(new NangoConnectionFilter { ConnectionId = nangoId, IntegrationIds = [integration] }, ct);
        return listed.Connections.FirstOrDefault(c => c.ConnectionId == nangoId && c.ProviderConfigKey == integration);
    }

    private async Task<bool> IsRecordedAsync(string integration, string nangoId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Connections.AnyAsync(c => c.IntegrationKey == integration && c.NangoConnectionId == nangoId, ct);
    }
}
