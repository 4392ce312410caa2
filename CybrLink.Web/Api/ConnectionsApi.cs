using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Api;

public sealed record ConnectionResponse(
    Guid Id, string Integration, string EndUserId, string? OrganizationId, ConnectionStatus Status, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastCheckedAt, DateTimeOffset? RevokedAt);

public static class ConnectionsApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder v1)
    {
        var connections = v1.MapGroup("/connections").WithTags("Connections");
        connections.MapGet("/", ListAsync).WithName("ListConnections")
            .WithSummary("Connections, newest first; filter by end user and integration.");
        connections.MapGet("/{id:guid}", GetAsync).WithName("GetConnection").WithSummary("One connection (never a credential).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static async Task<Results<Ok<IReadOnlyList<ConnectionResponse>>, ProblemHttpResult>> ListAsync(
        IDbContextFactory<CybrLinkDbContext> dbFactory,
        [FromQuery(Name = "end_user_id")] string? endUserId,
        [FromQuery(Name = "integration")] string? integration,
        [FromQuery(Name = "limit")] int? limit,
        CancellationToken ct)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return TypedResults.Problem(ApiProblems.Validation(null, new Dictionary<string, string[]>
            {
                ["limit"] = [$"Must be between 1 and {MaxPageSize}."],
            }));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Connections.AsNoTracking();
        if (endUserId is not null)
        {
            query = query.Where(c => c.EndUserId == endUserId);
        }

        if (integration is not null)
        {
            query = query.Where(c => c.IntegrationKey == integration);
        }

        var rows = await query.OrderByDescending(c => c.CreatedAt).Take(limit ?? 50).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<ConnectionResponse>>([.. rows.Select(ToResponse)]);
    }

    public static async Task<Results<Ok<ConnectionResponse>, ProblemHttpResult>> GetAsync(
        Guid id, IDbContextFactory<CybrLinkDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return connection is null
            ? ApiProblems.Result(404, "connection_not_found", "No such connection.")
            : TypedResults.Ok(ToResponse(connection));
    }

    private static ConnectionResponse ToResponse(Connection c) => new(
        c.Id, c.IntegrationKey, c.EndUserId, c.OrganizationId, c.Status, c.ErrorDetail, c.CreatedAt, c.UpdatedAt,
        c.LastCheckedAt, c.RevokedAt);
}
