using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Api;

/// <summary>The credential an agent call was made with: <c>key</c> or <c>token</c>, and its display prefix.</summary>
public sealed record AgentCallCredentialResponse(string Kind, string Prefix);

/// <summary>One agent call as audited. Never a body, a header value or a query value.</summary>
public sealed record AgentCallResponse(
    Guid Id, DateTimeOffset At, Guid AgentId, AgentCallCredentialResponse Credential, string? EndUserId, Guid? ConnectionId,
    string? Integration, string? Action, string? Method, string? Path, string Decision, string? RuleId, string? Reason,
    int Status, int? UpstreamStatus, int LatencyMs, long BytesIn, long? BytesOut, string RequestId, string Surface, string? Tool);

/// <summary>A page of agent calls, newest first; pass <c>next_cursor</c> as <c>cursor</c> for the next page (null at the end).</summary>
public sealed record AgentCallPage(IReadOnlyList<AgentCallResponse> Data, Guid? NextCursor);

public static class AgentCallsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private static readonly string[] Decisions = ["allowed", "denied", "refused"];

    public static RouteGroupBuilder MapAgentCallsApi(this RouteGroupBuilder v1)
    {
        var calls = v1.MapGroup("/agent-calls").WithTags("Agent calls");
        calls.MapGet("/", ListAsync).WithName("ListAgentCalls")
            .WithSummary("Every authenticated agent call, allowed or refused, newest first; filter and page with a cursor.")
            .WithDescription(
                "`decision` is `allowed`, `denied` (by policy) or `refused` (by a guard or a state check); `since` is an " +
                "ISO 8601 time (calls at or after it); `cursor` is the `next_cursor` of the previous page; `limit` is 1..200 " +
                "(default 50). Rows carry no bodies, header values or query values.");
        return v1;
    }

    public static async Task<Results<Ok<AgentCallPage>, ProblemHttpResult>> ListAsync(
        IDbContextFactory<CybrLinkDbContext> dbFactory,
        [FromQuery(Name = "agent_id")] Guid? agentId,
        [FromQuery(Name = "end_user_id")] string? endUserId,
        [FromQuery(Name = "connection_id")] Guid? connectionId,
        [FromQuery(Name = "decision")] string? decision,
        [FromQuery(Name = "since")] DateTimeOffset? since,
        [FromQuery(Name = "cursor")] Guid? cursor,
        [FromQuery(Name = "limit")] int? limit,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (decision is not null && !Decisions.Contains(decision, StringComparer.Ordinal))
        {
            errors["decision"] = [$"Must be one of: {string.Join(", ", Decisions)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(ApiProblems.Validation(null, errors));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AgentCalls.AsNoTracking();
        if (agentId is { } agent)
        {
            query = query.Where(c => c.AgentId == agent);
        }

        if (endUserId is not null)
        {
            query = query.Where(c => c.EndUserId == endUserId);
        }

        if (connectionId is { } connection)
        {
            query = query.Where(c => c.ConnectionId == connection);
        }

        if (decision is not null)
        {
            query = query.Where(c => c.Decision == decision);
        }

        if (since is { } from)
        {
            query = query.Where(c => c.At >= from);
        }

        // Version-7 ids order by time: the cursor is the last id seen, and the next page is everything older.
        if (cursor is { } before)
        {
            query = query.Where(c => c.Id < before);
        }

        var size = limit ?? DefaultPageSize;
        var rows = await query.OrderByDescending(c => c.Id).Take(size + 1).ToListAsync(ct);
        var page = rows.Take(size).Select(ToResponse).ToList();
        return TypedResults.Ok(new AgentCallPage(page, rows.Count > size ? page[^1].Id : null));
    }

    private static AgentCallResponse ToResponse(AgentCall c) => new(
        c.Id, c.At, c.AgentId, new AgentCallCredentialResponse(c.CredentialKind, c.CredentialPrefix), c.EndUserId, c.ConnectionId,
        c.Integration, c.Action, c.Method, c.Path, c.Decision, c.RuleId, c.Reason, c.Status, c.UpstreamStatus, c.LatencyMs,
        c.BytesIn, c.BytesOut, c.RequestId, c.Surface, c.Tool);
}
