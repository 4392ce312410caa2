using System.Runtime.CompilerServices;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.AgentCalls;

/// <summary>
/// Which agent calls to show: every part optional; <see cref="From"/> inclusive, <see cref="To"/> exclusive.
/// </summary>
public sealed record AgentCallFilter(
    Guid? AgentId = null, string? EndUserId = null, string? Integration = null, string? Decision = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    /// <summary>The decisions a call can have, in the order a person reads them.</summary>
    public static readonly IReadOnlyList<string> Decisions = [AgentCallDraft.Allowed, AgentCallDraft.Denied, AgentCallDraft.Refused];
}

/// <summary>One agent call as the console lists and exports it.</summary>
public sealed record AgentCallRow(
    Guid Id, DateTimeOffset At, Guid AgentId, string? AgentName, string? EndUserId, Guid? ConnectionId, string? Integration,
    string Surface, string? Action, string? Tool, string? Method, string? Path, string Decision, string? RuleId, string? Reason,
    int Status, int? UpstreamStatus, int LatencyMs, string RequestId);

/// <summary>How many calls match, counted up to <see cref="AgentCallQuery.CountCap"/>: beyond it, "at least".</summary>
public sealed record AgentCallCount(int Value, bool AtLeast);

/// <summary>An agent, as the call log's filter offers it.</summary>
public sealed record AgentChoice(Guid Id, string Name);

/// <summary>
/// Reads the agent-call log newest first, for the console's grid and its exports. Every filter has an index that
/// already holds time order (AgentCallConfiguration), so the first page reads a few rows at any table size.
/// </summary>
public sealed class AgentCallQuery(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    /// <summary>Counting a million rows takes seconds: counts stop here and read "10,000+".</summary>
    public const int CountCap = 10_000;

    public async Task<IReadOnlyList<AgentCallRow>> PageAsync(AgentCallFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, filter).Skip(skip).Take(take).ToListAsync(ct);
    }

    public async Task<AgentCallCount> CountAsync(AgentCallFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var count = await Filtered(db, filter).Take(CountCap + 1).CountAsync(ct);
        return count > CountCap ? new AgentCallCount(CountCap, AtLeast: true) : new AgentCallCount(count, AtLeast: false);
    }

    /// <summary>Every matching call, newest first, read as it is written out: never the whole result in memory.</summary>
    public async IAsyncEnumerable<AgentCallRow> StreamAsync(AgentCallFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await foreach (var row in Rows(db, filter).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>The agents the filter offers, by name (agents are few; capped all the same).</summary>
    public async Task<IReadOnlyList<AgentChoice>> AgentsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Agents.AsNoTracking().OrderBy(a => a.Name).Take(500).Select(a => new AgentChoice(a.Id, a.Name)).ToListAsync(ct);
    }

    private static IQueryable<AgentCallRow> Rows(CybrLinkDbContext db, AgentCallFilter filter) =>
        from c in Filtered(db, filter).OrderByDescending(c => c.At).ThenByDescending(c => c.Id)
        join a in db.Agents on c.AgentId equals a.Id into agents
        from a in agents.DefaultIfEmpty()
        select new AgentCallRow(
            c.Id, c.At, c.AgentId, a == null ? null : a.Name, c.EndUserId, c.ConnectionId, c.Integration, c.Surface, c.Action, c.Tool,
            c.Method, c.Path, c.Decision, c.RuleId, c.Reason, c.Status, c.UpstreamStatus, c.LatencyMs, c.RequestId);

    private static IQueryable<AgentCall> Filtered(CybrLinkDbContext db, AgentCallFilter filter)
    {
        var query = db.AgentCalls.AsNoTracking();
        if (filter.AgentId is { } agent)
        {
            query = query.Where(c => c.AgentId == agent);
        }

        if (!string.IsNullOrEmpty(filter.EndUserId))
        {
            query = query.Where(c => c.EndUserId == filter.EndUserId);
        }

        if (!string.IsNullOrEmpty(filter.Integration))
        {
            query = query.Where(c => c.Integration == filter.Integration);
        }

        if (!string.IsNullOrEmpty(filter.Decision))
        {
            query = query.Where(c => c.Decision == filter.Decision);
        }

        if (filter.From is { } from)
        {
            query = query.Where(c => c.At >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(c => c.At < to);
        }

        return query;
    }
}
