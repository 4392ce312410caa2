using System.Runtime.CompilerServices;
using CybrLink.Core.Data;
using CybrLink.Web.Console.Export;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.Audit;

/// <summary>One audit event as the viewer lists it.</summary>
public sealed record AuditRow(
    long Sequence, Guid Id, DateTimeOffset At, string ActorType, string? ActorId, string Action, string TargetType, string TargetId, string? Detail);

/// <summary>The audit viewer's reads: one filtered page, newest first; or every matching event, streamed, for export.</summary>
public sealed class AuditQuery(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    public async Task<(IReadOnlyList<AuditRow> Rows, int Total)> PageAsync(AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = filter.Apply(db.AuditEvents.AsNoTracking());
        var total = await events.CountAsync(ct);
        var rows = await events.OrderByDescending(e => e.Sequence)
            .Skip(page * pageSize).Take(pageSize)
            .Select(e => new AuditRow(e.Sequence, e.Id, e.At, e.ActorType, e.ActorId, e.Action, e.TargetType, e.TargetId, e.Detail))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Every matching event in chain order, with its hashes (so an export can be checked on its own), never buffered.</summary>
    public async IAsyncEnumerable<AuditExportRow> ExportAsync(AuditFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = filter.Apply(db.AuditEvents.AsNoTracking())
            .OrderBy(e => e.Sequence)
            .Select(e => new AuditExportRow(e.Sequence, e.Id, e.At, e.ActorType, e.ActorId, e.Action, e.TargetType, e.TargetId, e.Detail,
                e.PreviousHash, e.Hash))
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return row;
        }
    }
}
