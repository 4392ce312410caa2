using System.Security.Claims;
using System.Text.Json.Serialization;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Api;

public sealed record ConnectionResponse(
    Guid Id, string Integration, string EndUserId, string? OrganizationId, ConnectionStatus Status, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastCheckedAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

public sealed record RevocationStepResponse(
    string Step, string Outcome, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

/// <summary>A revoked connection (<c>status</c> is always <c>revoked</c>) and how each step went.</summary>
public sealed record RevocationResponse(Guid Id, string Status, IReadOnlyList<RevocationStepResponse> Steps)
{
    public const string Description =
        "Step `blocked`: `done`, or `already_revoked` when it was revoked before; from that commit on every agent request " +
        "on the connection is refused. Step `nango_delete`: `done`; `already_gone` when Nango no longer has it (deleted " +
        "by an earlier revocation or outside CybrLink), or never had it (demo data from `seed-demo`, with a `detail` " +
        "saying so; nothing is sent to Nango); `failed` with a `detail` naming Nango's status and code, in which " +
        "case the connection stays blocked and reconciliation retries the delete. Revoking again is safe: it retries a " +
        "pending delete, or answers `already_revoked` / `already_gone`.";

    public static RevocationResponse From(RevocationResult result) =>
        new(result.Id, result.Status, [.. result.Steps.Select(s => new RevocationStepResponse(s.Step, s.Outcome, s.Detail))]);
}

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
        connections.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeConnection")
            .WithSummary("Revoke a connection: blocked in CybrLink first, then deleted in Nango.")
            .WithDescription(RevocationResponse.Description)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static async Task<Results<Ok<RevocationResponse>, ProblemHttpResult>> RevokeAsync(
        Guid id, ConnectionRevoker revoker, ClaimsPrincipal caller, CancellationToken ct) =>
        await revoker.RevokeAsync(id, ApiActors.Of(caller), ct) is { } result
            ? TypedResults.Ok(RevocationResponse.From(result))
            : ApiProblems.Result(404, "connection_not_found", "No such connection.");

    public static async Task<Results<Ok<IReadOnlyList<ConnectionResponse>>, ProblemHttpResult>> ListAsync(
        ConnectionQuery connections,
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

        var rows = await connections.NewestAsync(new ConnectionFilter(Integration: integration, EndUserId: endUserId), limit ?? 50, ct);
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
        c.LastCheckedAt, c.RevokedAt, c.LastUsedAt);
}
