using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.EndUsers;

public sealed record EndUserFilter(string? Search = null, string? OrganizationId = null);

public enum EndUserSortField
{
    Created,
    Name,
    Email,
}

public sealed record EndUserSort(EndUserSortField Field = EndUserSortField.Created, bool Descending = true);

/// <summary>One row of the console's end-users grid.</summary>
public sealed record EndUserRow(
    string Id, string? DisplayName, string? Email, string? OrganizationId, string? OrganizationName, int Connections,
    DateTimeOffset CreatedAt);

/// <summary>The end users list of the console: search, organization filter, sort and page in the database.</summary>
public sealed class EndUserQuery(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    public async Task<ResultPage<EndUserRow>> PageAsync(EndUserFilter filter, EndUserSort sort, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.EndUsers.AsNoTracking();
        if (filter.OrganizationId is { } organization)
        {
            query = query.Where(u => u.OrganizationId == organization);
        }

        if (EndUserSearch.Matches(filter.Search) is { } matches)
        {
            query = query.Where(matches);
        }

        var counted = await query.Take(ConnectionQuery.CountCap + 1).CountAsync(ct);
        var ordered = (sort.Field, sort.Descending) switch
        {
            (EndUserSortField.Name, false) => query.OrderBy(u => u.SearchName).ThenBy(u => u.Id),
            (EndUserSortField.Name, true) => query.OrderByDescending(u => u.SearchName).ThenByDescending(u => u.Id),
            (EndUserSortField.Email, false) => query.OrderBy(u => u.SearchEmail).ThenBy(u => u.Id),
            (EndUserSortField.Email, true) => query.OrderByDescending(u => u.SearchEmail).ThenByDescending(u => u.Id),
            (_, false) => query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id),
            _ => query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id),
        };
        // The count per row is a correlated count on connections(EndUserId, CreatedAt): one index range per row shown.
        var rows = await ordered.Skip(skip).Take(take)
            .Select(u => new EndUserRow(u.Id, u.DisplayName, u.Email, u.OrganizationId, u.OrganizationName,
                db.Connections.Count(c => c.EndUserId == u.Id), u.CreatedAt))
            .ToListAsync(ct);
        return new ResultPage<EndUserRow>(rows, Math.Min(counted, ConnectionQuery.CountCap), counted > ConnectionQuery.CountCap);
    }
}
