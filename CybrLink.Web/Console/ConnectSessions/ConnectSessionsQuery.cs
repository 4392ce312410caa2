using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.ConnectSessions;

/// <summary>The sessions list's filters, as they appear in the URL (<c>?status=&amp;integration=&amp;error=true</c>).</summary>
public sealed record SessionFilter(string? Status = null, string? Integration = null, bool WithErrorOnly = false);

public sealed record SessionListRow(
    Guid Id, string IntegrationKey, string EndUserId, string? EndUserName, string? EndUserEmail, ConnectSessionStatus Status,
    bool IsReconnect, string? ErrorCode, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, Guid? ConnectionId)
{
    public bool IsOpen => Status is ConnectSessionStatus.Pending or ConnectSessionStatus.Opened;
}

public sealed record SessionPage(IReadOnlyList<SessionListRow> Rows, int Total, bool TotalIsCapped);

/// <summary>
/// Connect sessions for the console, newest first, one page at a time; every filter is an indexed column or rides
/// on the <c>CreatedAt</c> order. Statuses are the effective ones: an open session past its expiry is expired.
/// </summary>
public sealed class ConnectSessionsQuery(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Counting stops here: the pager says "10000+" rather than scanning a huge table for an exact total.</summary>
    public const int CountCap = 10_000;

    public static readonly IReadOnlyList<string> Statuses = ["pending", "opened", "completed", "expired", "cancelled"];

    public async Task<SessionPage> PageAsync(SessionFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var query = Filtered(db.ConnectSessions.AsNoTracking(), filter, now);
        var total = await query.Take(CountCap + 1).CountAsync(ct);
        var rows = await query
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Skip(page * pageSize).Take(pageSize)
            .Select(s => new
            {
                s.Id, s.IntegrationKey, s.EndUserId, s.EndUserDisplayName, s.EndUserEmail, s.Status, s.ReconnectConnectionId,
                s.ErrorCode, s.CreatedAt, s.ExpiresAt, s.ConnectionId,
            })
            .ToListAsync(ct);
        return new SessionPage(
            [.. rows.Select(s => new SessionListRow(
                s.Id, s.IntegrationKey, s.EndUserId, s.EndUserDisplayName, s.EndUserEmail, Effective(s.Status, s.ExpiresAt, now),
                s.ReconnectConnectionId is not null, s.ErrorCode, s.CreatedAt, s.ExpiresAt, s.ConnectionId))],
            Math.Min(total, CountCap), total > CountCap);
    }

    /// <summary>An end user's sessions, newest first.</summary>
    public static async Task<IReadOnlyList<SessionListRow>> ForEndUserAsync(
        CybrLinkDbContext db, string endUserId, DateTimeOffset now, int max, CancellationToken ct)
    {
        var rows = await db.ConnectSessions.AsNoTracking()
            .Where(s => s.EndUserId == endUserId)
            .OrderByDescending(s => s.CreatedAt)
            .Take(max)
            .ToListAsync(ct);
        return [.. rows.Select(s => new SessionListRow(
            s.Id, s.IntegrationKey, s.EndUserId, s.EndUserDisplayName, s.EndUserEmail, s.EffectiveStatus(now),
            s.ReconnectConnectionId is not null, s.ErrorCode, s.CreatedAt, s.ExpiresAt, s.ConnectionId))];
    }

    private static IQueryable<ConnectSession> Filtered(IQueryable<ConnectSession> query, SessionFilter filter, DateTimeOffset now)
    {
        if (filter.Integration is { Length: > 0 } integration)
        {
            query = query.Where(s => s.IntegrationKey == integration);
        }

        if (filter.WithErrorOnly)
        {
            query = query.Where(s => s.ErrorCode != null);
        }

        return filter.Status switch
        {
            "pending" => query.Where(s => s.Status == ConnectSessionStatus.Pending && s.ExpiresAt > now),
            "opened" => query.Where(s => (s.Status == ConnectSessionStatus.Opened || s.Status == ConnectSessionStatus.Failed) && s.ExpiresAt > now),
            "completed" => query.Where(s => s.Status == ConnectSessionStatus.Completed),
            "cancelled" => query.Where(s => s.Status == ConnectSessionStatus.Cancelled),
            "expired" => query.Where(s => s.Status == ConnectSessionStatus.Expired
                || ((s.Status == ConnectSessionStatus.Pending || s.Status == ConnectSessionStatus.Opened || s.Status == ConnectSessionStatus.Failed)
                    && s.ExpiresAt <= now)),
            _ => query,
        };
    }

    private static ConnectSessionStatus Effective(ConnectSessionStatus status, DateTimeOffset expiresAt, DateTimeOffset now) =>
        new ConnectSession { TokenHash = "", IntegrationKey = "", EndUserId = "", Status = status, ExpiresAt = expiresAt }.EffectiveStatus(now);
}
