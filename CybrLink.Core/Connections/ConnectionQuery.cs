using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Connections;

/// <summary>Which connections to list. Every field is optional; <see cref="To"/> is inclusive (a whole UTC day).</summary>
public sealed record ConnectionFilter(
    string? Integration = null,
    ConnectionStatus? Status = null,
    string? OrganizationId = null,
    string? Search = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? EndUserId = null);

public enum ConnectionSortField
{
    Created,
    Status,
    Integration,
    LastUsed,
}

public sealed record ConnectionSort(ConnectionSortField Field = ConnectionSortField.Created, bool Descending = true)
{
    public static readonly ConnectionSort NewestFirst = new();
}

/// <summary>One row of the console's connections grid: the connection and its end user's name and email.</summary>
public sealed record ConnectionRow(
    Guid Id, string IntegrationKey, string EndUserId, string? EndUserName, string? EndUserEmail, string? OrganizationId,
    ConnectionStatus Status, string? ErrorDetail, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool IsDemo);

/// <summary>
/// A page of rows and how many match. Counting a million rows is not free, so the count stops at
/// <see cref="ConnectionQuery.CountCap"/> + 1: <see cref="TotalIsCapped"/> then means "more than the cap".
/// </summary>
public sealed record ResultPage<T>(IReadOnlyList<T> Items, int Total, bool TotalIsCapped);

/// <summary>
/// The connections list shared by the console's grid and <c>GET /api/v1/connections</c>: filters, sorts and pages in
/// the database (never a whole table), each filter backed by an index that already holds the default order.
/// </summary>
public sealed class ConnectionQuery(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    /// <summary>Counts stop here: past it the grid says "10,000+" rather than scan every match.</summary>
    public const int CountCap = 10_000;

    public async Task<ResultPage<ConnectionRow>> PageAsync(
        ConnectionFilter filter, ConnectionSort sort, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var matching = Filter(db, filter);
        var counted = await matching.Take(CountCap + 1).CountAsync(ct);
        var page = await Sort(matching, sort).Skip(skip).Take(take)
            .Select(c => new { c.Id, c.IntegrationKey, c.EndUserId, c.OrganizationId, c.Status, c.ErrorDetail, c.CreatedAt, c.LastUsedAt, c.IsDemo })
            .ToListAsync(ct);

        // The page's end users in a second query by primary key: at most `take` lookups, whatever the table size.
        var userIds = page.Select(c => c.EndUserId).Distinct().ToList();
        var users = await db.EndUsers.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToDictionaryAsync(u => u.Id, StringComparer.Ordinal, ct);
        var rows = page.Select(c =>
        {
            var user = users.GetValueOrDefault(c.EndUserId);
            return new ConnectionRow(c.Id, c.IntegrationKey, c.EndUserId, user?.DisplayName, user?.Email, c.OrganizationId,
                c.Status, c.ErrorDetail, c.CreatedAt, c.LastUsedAt, c.IsDemo);
        }).ToList();
        return new ResultPage<ConnectionRow>(rows, Math.Min(counted, CountCap), counted > CountCap);
    }

    /// <summary>The first <paramref name="limit"/> matching connections, newest first (the API's list).</summary>
    public async Task<IReadOnlyList<Connection>> NewestAsync(ConnectionFilter filter, int limit, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Sort(Filter(db, filter), ConnectionSort.NewestFirst).Take(limit).ToListAsync(ct);
    }

    private static IQueryable<Connection> Filter(CybrLinkDbContext db, ConnectionFilter filter)
    {
        var query = db.Connections.AsNoTracking();
        if (filter.Integration is { } integration)
        {
            query = query.Where(c => c.IntegrationKey == integration);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }

        if (filter.OrganizationId is { } organization)
        {
            query = query.Where(c => c.OrganizationId == organization);
        }

        if (filter.EndUserId is { } endUserId)
        {
            query = query.Where(c => c.EndUserId == endUserId);
        }

        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(c => c.CreatedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(c => c.CreatedAt < end);
        }

        if (EndUserSearch.Matches(filter.Search) is { } matches)
        {
            // The matching end users (three index ranges), then their connections through (EndUserId, CreatedAt).
            var endUsers = db.EndUsers.Where(matches).Select(u => u.Id);
            query = query.Where(c => endUsers.Contains(c.EndUserId));
        }

        return query;
    }

    private static IOrderedQueryable<Connection> Sort(IQueryable<Connection> query, ConnectionSort sort) => (sort.Field, sort.Descending) switch
    {
        (ConnectionSortField.Status, false) => query.OrderBy(c => c.Status).ThenByDescending(c => c.CreatedAt),
        (ConnectionSortField.Status, true) => query.OrderByDescending(c => c.Status).ThenByDescending(c => c.CreatedAt),
        (ConnectionSortField.Integration, false) => query.OrderBy(c => c.IntegrationKey).ThenByDescending(c => c.CreatedAt),
        (ConnectionSortField.Integration, true) => query.OrderByDescending(c => c.IntegrationKey).ThenByDescending(c => c.CreatedAt),
        (ConnectionSortField.LastUsed, false) => query.OrderBy(c => c.LastUsedAt).ThenBy(c => c.CreatedAt),
        (ConnectionSortField.LastUsed, true) => query.OrderByDescending(c => c.LastUsedAt).ThenByDescending(c => c.CreatedAt),
        (_, false) => query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        _ => query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
    };
}
