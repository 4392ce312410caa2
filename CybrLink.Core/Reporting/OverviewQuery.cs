using CybrLink.Core.AgentCalls;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Core.SystemState;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Reporting;

public sealed record CountByKey(string Key, int Count);

/// <summary>Connect sessions created on one UTC day, by how they ended (each session in one column at most).</summary>
public sealed record SessionDay(DateOnly Day, int Completed, int Failed, int Expired);

/// <summary>Agent calls on one UTC day, by decision.</summary>
public sealed record CallDay(DateOnly Day, int Allowed, int Denied, int Refused);

public sealed record AgentCallCountByAgent(Guid AgentId, string? Name, int Count);

/// <summary>A time CybrLink recorded (<see cref="SystemStateEntry"/>), with its value.</summary>
public sealed record RecordedTime(DateTimeOffset At, string? Detail);

/// <summary>The overview's numbers, as of <see cref="ComputedAt"/>.</summary>
public sealed record OverviewNumbers(
    DateTimeOffset ComputedAt,
    IReadOnlyDictionary<ConnectionStatus, int> ConnectionsByStatus,
    IReadOnlyList<CountByKey> LiveConnectionsByIntegration,
    int LiveConnectionsInOtherIntegrations,
    IReadOnlyList<SessionDay> SessionsPerDay,
    IReadOnlyList<CallDay> CallsPerDay,
    IReadOnlyList<AgentCallCountByAgent> TopAgents,
    IReadOnlyList<CountByKey> TopIntegrations,
    RecordedTime? LastReconciliation,
    RecordedTime? LastWebhook);

/// <summary>
/// The overview's aggregates, computed in SQL over indexed columns (GROUP BY status, integration, day): a handful of
/// result rows whatever the table sizes. Days are UTC days of the stored ticks, the last <see cref="Days"/> including today.
/// </summary>
public sealed class OverviewQuery(IDbContextFactory<CybrLinkDbContext> dbFactory, SystemStateStore state, TimeProvider time)
{
    public const int Days = 7;
    public const int TopIntegrationsShown = 8;
    public const int TopShown = 5;

    public async Task<OverviewNumbers> LoadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var firstDay = today.AddDays(1 - Days);
        var from = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var days = Enumerable.Range(0, Days).Select(firstDay.AddDays).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var byStatus = await db.Connections.AsNoTracking()
            .GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var byIntegration = await db.Connections.AsNoTracking()
            .Where(c => c.Status != ConnectionStatus.Revoked)
            .GroupBy(c => c.IntegrationKey).Select(g => new CountByKey(g.Key, g.Count()))
            .ToListAsync(ct);
        byIntegration = [.. byIntegration.OrderByDescending(i => i.Count).ThenBy(i => i.Key, StringComparer.Ordinal)];

        var sessions = (await SessionDaysAsync(db, from, now, ct)).ToDictionary(d => d.Day);
        var calls = (await CallDaysAsync(db, from, ct)).ToLookup(d => d.Day);
        var topAgents = await db.AgentCalls.AsNoTracking().Where(c => c.At >= from)
            .GroupBy(c => c.AgentId).Select(g => new { AgentId = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).Take(TopShown).ToListAsync(ct);
        var agentIds = topAgents.Select(a => a.AgentId).ToList();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var topIntegrations = await db.AgentCalls.AsNoTracking().Where(c => c.At >= from && c.Integration != null)
            .GroupBy(c => c.Integration!).Select(g => new { Key = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).Take(TopShown).ToListAsync(ct);
        var recorded = await state.GetAsync([SystemStateKeys.LastReconciliation, SystemStateKeys.LastWebhook], ct);

        return new OverviewNumbers(
            now,
            Enum.GetValues<ConnectionStatus>().ToDictionary(s => s, s => byStatus.GetValueOrDefault(s)),
            [.. byIntegration.Take(TopIntegrationsShown)],
            byIntegration.Skip(TopIntegrationsShown).Sum(i => i.Count),
            [.. days.Select(d => sessions.GetValueOrDefault(DayNumber(d)) is { } s
                ? new SessionDay(d, (int)s.Completed, (int)s.Failed, (int)s.Expired)
                : new SessionDay(d, 0, 0, 0))],
            [.. days.Select(d => CallDayOf(d, calls[DayNumber(d)]))],
            [.. topAgents.Select(a => new AgentCallCountByAgent(a.AgentId, names.GetValueOrDefault(a.AgentId), a.Count))],
            [.. topIntegrations.Select(i => new CountByKey(i.Key, i.Count))],
            RecordedOf(recorded, SystemStateKeys.LastReconciliation),
            RecordedOf(recorded, SystemStateKeys.LastWebhook));
    }

    /// <summary>
    /// Sessions by the day they were created: completed; failed (an attempt failed and it never completed); expired
    /// (ran out without an error, including open ones past their expiry that no sweep has marked yet).
    /// </summary>
    /// <remarks>864000000000 is <see cref="TimeSpan.TicksPerDay"/>, written as a literal rather than a parameter: PostgreSQL must see the
    /// same expression in SELECT and GROUP BY.</remarks>
    private static Task<List<SessionDayRow>> SessionDaysAsync(CybrLinkDbContext db, DateTimeOffset from, DateTimeOffset now, CancellationToken ct)
    {
        var completed = nameof(ConnectSessionStatus.Completed);
        var expired = nameof(ConnectSessionStatus.Expired);
        var cancelled = nameof(ConnectSessionStatus.Cancelled);
        return db.Database.SqlQuery<SessionDayRow>($"""
            SELECT "CreatedAt" / 864000000000 AS "Day",
                   SUM(CASE WHEN "Status" = {completed} THEN 1 ELSE 0 END) AS "Completed",
                   SUM(CASE WHEN "Status" <> {completed} AND "ErrorCode" IS NOT NULL THEN 1 ELSE 0 END) AS "Failed",
                   SUM(CASE WHEN "ErrorCode" IS NULL AND ("Status" = {expired}
                            OR ("Status" NOT IN ({completed}, {expired}, {cancelled}) AND "ExpiresAt" <= {now.UtcTicks})) THEN 1 ELSE 0 END) AS "Expired"
            FROM connect_sessions
            WHERE "CreatedAt" >= {from.UtcTicks}
            GROUP BY "CreatedAt" / 864000000000
            """).ToListAsync(ct);
    }

    private static Task<List<CallDayRow>> CallDaysAsync(CybrLinkDbContext db, DateTimeOffset from, CancellationToken ct) =>
        db.Database.SqlQuery<CallDayRow>($"""
            SELECT "At" / 864000000000 AS "Day", "Decision", COUNT(*) AS "Count"
            FROM agent_calls
            WHERE "At" >= {from.UtcTicks}
            GROUP BY "At" / 864000000000, "Decision"
            """).ToListAsync(ct);

    private static CallDay CallDayOf(DateOnly day, IEnumerable<CallDayRow> rows)
    {
        var byDecision = rows.ToDictionary(r => r.Decision, r => (int)r.Count, StringComparer.Ordinal);
        return new CallDay(day, byDecision.GetValueOrDefault(AgentCallDraft.Allowed), byDecision.GetValueOrDefault(AgentCallDraft.Denied),
            byDecision.GetValueOrDefault(AgentCallDraft.Refused));
    }

    private static long DayNumber(DateOnly day) => day.DayNumber;

    private static RecordedTime? RecordedOf(IReadOnlyDictionary<string, SystemStateEntry> recorded, string key) =>
        recorded.TryGetValue(key, out var entry) ? new RecordedTime(entry.UpdatedAt, entry.Value) : null;

    private sealed record SessionDayRow(long Day, long Completed, long Failed, long Expired);

    private sealed record CallDayRow(long Day, string Decision, long Count);
}
