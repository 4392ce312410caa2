using System.Net;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CybrLink.Core.Connections;

/// <summary>One step of a revocation and how it went (<see cref="RevocationSteps"/>, <see cref="RevocationOutcomes"/>).</summary>
public sealed record RevocationStep(string Step, string Outcome, string? Detail = null);

/// <summary>A revoked connection and the steps that got it there. <see cref="Status"/> is always <c>revoked</c>.</summary>
public sealed record RevocationResult(Guid Id, string Status, IReadOnlyList<RevocationStep> Steps);

public static class RevocationSteps
{
    /// <summary>CybrLink refuses agents on the connection (status revoked, committed).</summary>
    public const string Blocked = "blocked";

    /// <summary>Nango deletes the connection and with it the provider credential.</summary>
    public const string NangoDelete = "nango_delete";
}

/// <summary>
/// <c>done</c>: this call did it. <c>already_revoked</c>: the connection was blocked before this call.
/// <c>already_gone</c>: Nango no longer has the connection (deleted by an earlier revocation, or outside CybrLink), or
/// never had it (demo data, with a detail saying so).
/// <c>failed</c>: Nango refused or could not be reached; the connection stays blocked and reconciliation retries.
/// </summary>
public static class RevocationOutcomes
{
    public const string Done = "done";
    public const string AlreadyRevoked = "already_revoked";
    public const string AlreadyGone = "already_gone";
    public const string Failed = "failed";
}

/// <summary>
/// Revokes a connection: blocked in CybrLink first (one conditional update: the next agent request is refused), then
/// deleted in Nango. A Nango failure leaves it blocked with <see cref="Connection.NangoDeletePending"/>, which
/// reconciliation retries through <see cref="RetryPendingDeletesAsync"/>.
/// </summary>
public sealed partial class ConnectionRevoker(
    IDbContextFactory<CybrLinkDbContext> dbFactory, INangoApi nango, AuditLog audit, TimeProvider time, ILogger<ConnectionRevoker> logger)
{
    /// <returns>The steps taken, or null when there is no such connection.</returns>
    public Task<RevocationResult?> RevokeAsync(Guid connectionId, AuditActor actor, CancellationToken ct = default) =>
        RevokeAsync(connectionId, actor, progress: null, ct);

    /// <param name="progress">Told each step as soon as it is done (the console shows them live); the result is the same.</param>
    /// <returns>The steps taken, or null when there is no such connection.</returns>
    public async Task<RevocationResult?> RevokeAsync(
        Guid connectionId, AuditActor actor, IProgress<RevocationStep>? progress, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Note: one conditional update that commits on its own, before Nango is called: the agent API reads the
        // status on every request, so from this commit on no agent gets through, whatever Nango does next. Only
        // one caller can win it, so two concurrent revocations report done once.
        var blocked = await db.Connections
            .Where(c => c.Id == connectionId && c.Status != ConnectionStatus.Revoked)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ConnectionStatus.Revoked)
                .SetProperty(c => c.RevokedAt, now)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.NangoDeletePending, true), ct) == 1;
        var connection = await db.Connections.AsNoTracking()
            .Where(c => c.Id == connectionId)
            .Select(c => new { c.NangoConnectionId, c.IntegrationKey, c.NangoDeletePending, c.IsDemo })
            .SingleOrDefaultAsync(ct);
        if (connection is null)
        {
            return null;
        }

        var block = new RevocationStep(RevocationSteps.Blocked, blocked ? RevocationOutcomes.Done : RevocationOutcomes.AlreadyRevoked);
        progress?.Report(block);
        if (!connection.NangoDeletePending)
        {
            // Revoked before, and Nango's copy is already gone: nothing left to do, nothing to audit.
            var gone = new RevocationStep(RevocationSteps.NangoDelete, RevocationOutcomes.AlreadyGone);
            progress?.Report(gone);
            return Result(connectionId, block, gone);
        }

        // Note: demo data was never in Nango: nothing is sent there (a delete of a made-up id could hit a real
        // connection that happens to share it). The step reads already_gone, with a detail saying why.
        var delete = connection.IsDemo
            ? new RevocationStep(RevocationSteps.NangoDelete, RevocationOutcomes.AlreadyGone, DemoDetail)
            : await DeleteInNangoAsync(connectionId, connection.IntegrationKey, connection.NangoConnectionId, ct);
        await RecordAsync(db, connectionId, delete, AuditActions.ConnectionRevoked, actor,
            $"blocked={block.Outcome} nango_delete={delete.Outcome}{(delete.Detail is null ? "" : " (" + delete.Detail + ")")}", ct);
        progress?.Report(delete);
        return Result(connectionId, block, delete);
    }

    /// <summary>
    /// Retries the Nango delete of up to <paramref name="max"/> revoked connections still marked pending, oldest
    /// revocation first. Returns how many are now gone from Nango.
    /// </summary>
    public async Task<int> RetryPendingDeletesAsync(int max, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.Connections.AsNoTracking()
            .Where(c => c.NangoDeletePending && c.Status == ConnectionStatus.Revoked && !c.IsDemo)
            .OrderBy(c => c.RevokedAt)
            .Take(max)
            .Select(c => new { c.Id, c.IntegrationKey, c.NangoConnectionId })
            .ToListAsync(ct);
        var deleted = 0;
        foreach (var connection in pending)
        {
            var delete = await DeleteInNangoAsync(connection.Id, connection.IntegrationKey, connection.NangoConnectionId, ct);
            if (delete.Outcome == RevocationOutcomes.Failed)
            {
                // Nango is failing or rate limited: the rest waits for the next pass instead of each timing out.
                break;
            }

            await RecordAsync(db, connection.Id, delete, AuditActions.ConnectionNangoDeleted, AuditActor.Reconciliation,
                $"nango_delete={delete.Outcome} (retried)", ct);
            deleted++;
        }

        return deleted;
    }

    private async Task<RevocationStep> DeleteInNangoAsync(Guid id, string integration, string nangoId, CancellationToken ct)
    {
        try
        {
            var answer = await nango.DeleteConnectionAsync(nangoId, integration, ct);
            // Nango answers success=false when no row was deleted: someone deleted it first.
            return new RevocationStep(RevocationSteps.NangoDelete, answer.Success ? RevocationOutcomes.Done : RevocationOutcomes.AlreadyGone);
        }
        catch (NangoApiException e) when (e.Status == HttpStatusCode.NotFound
            || (e.Status == HttpStatusCode.BadRequest && e.Code == "unknown_connection"))
        {
            return new RevocationStep(RevocationSteps.NangoDelete, RevocationOutcomes.AlreadyGone);
        }
        catch (NangoApiException e)
        {
            // Note: Nango's status and code only; its message and body can name internals.
            LogDeleteFailed(logger, id, $"{(int)e.Status} {e.Code}");
            return new RevocationStep(RevocationSteps.NangoDelete, RevocationOutcomes.Failed, $"Nango answered {(int)e.Status} {e.Code}.");
        }
        catch (NangoUnavailableException e)
        {
            LogDeleteFailed(logger, id, e.Message);
            return new RevocationStep(RevocationSteps.NangoDelete, RevocationOutcomes.Failed, "Nango could not be reached.");
        }
    }

    /// <summary>Clears the pending mark when Nango's copy is gone, and audits, in one transaction.</summary>
    private async Task RecordAsync(
        CybrLinkDbContext db, Guid id, RevocationStep delete, string action, AuditActor actor, string detail, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (delete.Outcome != RevocationOutcomes.Failed)
        {
            await db.Connections.Where(c => c.Id == id && c.NangoDeletePending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.NangoDeletePending, false), ct);
        }

        audit.Add(db, action, actor, AuditTarget.Connection(id), detail);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>The <c>nango_delete</c> detail of a demo connection (<see cref="Connection.IsDemo"/>).</summary>
    public const string DemoDetail = "Demo data: this connection exists only in CybrLink, so there is nothing to delete in Nango.";

    private static RevocationResult Result(Guid id, params RevocationStep[] steps) => new(id, "revoked", steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} is revoked in CybrLink, but Nango's delete failed ({Reason}); reconciliation retries it")]
    private static partial void LogDeleteFailed(ILogger logger, Guid connectionId, string reason);
}
