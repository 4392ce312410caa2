using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.Connections;

public sealed record EndUserSummary(string Id, string? DisplayName, string? Email, string? OrganizationId, string? OrganizationName);

/// <summary>What the person consented to, through which session (a snapshot of what the Connect page showed).</summary>
public sealed record ConsentRecord(
    Guid SessionId, DateTimeOffset ConsentedAt, string? IntegrationName, string? ScopesText, string? Wording, string? Locale);

/// <summary>A connect session that made or renewed a connection (or tried to).</summary>
public sealed record SessionRow(
    Guid Id, ConnectSessionStatus Status, bool IsReconnect, string? ErrorCode, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    Guid? ConnectionId);

public sealed record CoveringAgent(Guid Id, string Name);

public sealed record CallRow(
    Guid Id, DateTimeOffset At, Guid AgentId, string? AgentName, string? Action, string? Method, string? Path, string Decision,
    int Status, string? Reason)
{
    /// <summary>What was asked: the action, or the proxied method and path.</summary>
    public string What => Action ?? $"{Method} {Path}".Trim();
}

public sealed record AuditRow(DateTimeOffset At, string Action, string ActorType, string? ActorId, string? Detail);

public sealed record ConnectionHeader(
    Guid Id, string IntegrationKey, string NangoConnectionId, ConnectionStatus Status, string? ErrorDetail, bool NangoDeletePending,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? LastCheckedAt, DateTimeOffset? RevokedAt,
    string? OrganizationId, Guid? ConnectSessionId, EndUserSummary EndUser);

/// <summary>Everything the connection detail page shows.</summary>
public sealed record ConnectionDetail(
    ConnectionHeader Connection, ConsentRecord? Consent, IReadOnlyList<SessionRow> Sessions, IReadOnlyList<CoveringAgent> Agents,
    IReadOnlyList<CallRow> Calls, IReadOnlyList<AuditRow> Timeline);

/// <summary>
/// The connection detail page's reads: small indexed queries projected to records (sessions by connection, calls by
/// connection, audit by target), and the agents whose current policy covers it.
/// </summary>
public sealed class ConnectionDetailQuery(IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore policies, TimeProvider time)
{
    public const int RecentCalls = 20;
    public const int MaxSessions = 50;
    public const int MaxTimeline = 100;

    /// <summary>Agents checked for coverage: enough for any real deployment, bounded so the page stays fast.</summary>
    public const int MaxAgentsChecked = 500;

    /// <returns>Null when there is no such connection.</returns>
    public async Task<ConnectionDetail?> LoadAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var header = await (
                from c in db.Connections.AsNoTracking()
                where c.Id == id
                join u in db.EndUsers.AsNoTracking() on c.EndUserId equals u.Id into users
                from u in users.DefaultIfEmpty()
                select new ConnectionHeader(
                    c.Id, c.IntegrationKey, c.NangoConnectionId, c.Status, c.ErrorDetail, c.NangoDeletePending, c.CreatedAt,
                    c.LastUsedAt, c.LastCheckedAt, c.RevokedAt, c.OrganizationId, c.ConnectSessionId,
                    new EndUserSummary(c.EndUserId, u == null ? null : u.DisplayName, u == null ? null : u.Email,
                        u == null ? c.OrganizationId : u.OrganizationId, u == null ? null : u.OrganizationName)))
            .SingleOrDefaultAsync(ct);
        if (header is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var sessions = await db.ConnectSessions.AsNoTracking()
            .Where(s => s.ConnectionId == id || s.ReconnectConnectionId == id)
            .OrderByDescending(s => s.CreatedAt)
            .Take(MaxSessions)
            .ToListAsync(ct);
        var consent = sessions
            .Where(s => s.ConnectionId == id && s.ConsentedAt is not null)
            .OrderByDescending(s => s.Id == header.ConnectSessionId)
            .ThenByDescending(s => s.ConsentedAt)
            .Select(s => new ConsentRecord(s.Id, s.ConsentedAt!.Value, s.ConsentIntegrationName, s.ConsentScopesText, s.ConsentWording, s.ConsentLocale))
            .FirstOrDefault();

        return new ConnectionDetail(
            header,
            consent,
            [.. sessions.Select(s => new SessionRow(
                s.Id, s.EffectiveStatus(now), s.ReconnectConnectionId is not null, s.ErrorCode, s.CreatedAt, s.FinishedAt, s.ConnectionId))],
            await CoveringAgentsAsync(db, header, now, ct),
            await CallsAsync(db, c => c.ConnectionId == id, RecentCalls, ct),
            await db.AuditEvents.AsNoTracking()
                .Where(a => a.TargetType == AuditTarget.Connection(id).Type && a.TargetId == id.ToString())
                .OrderByDescending(a => a.At)
                .Take(MaxTimeline)
                .Select(a => new AuditRow(a.At, a.Action, a.ActorType, a.ActorId, a.Detail))
                .ToListAsync(ct));
    }

    /// <summary>The newest agent calls matching <paramref name="filter"/> (an indexed column), with their agent's name.</summary>
    public static async Task<IReadOnlyList<CallRow>> CallsAsync(
        CybrLinkDbContext db, System.Linq.Expressions.Expression<Func<Core.AgentCalls.AgentCall, bool>> filter, int count, CancellationToken ct)
    {
        var calls = await db.AgentCalls.AsNoTracking()
            .Where(filter)
            .OrderByDescending(c => c.Id)
            .Take(count)
            .Select(c => new { c.Id, c.At, c.AgentId, c.Action, c.Method, c.Path, c.Decision, c.Status, c.Reason })
            .ToListAsync(ct);
        var agentIds = calls.Select(c => c.AgentId).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        return [.. calls.Select(c => new CallRow(
            c.Id, c.At, c.AgentId, names.GetValueOrDefault(c.AgentId), c.Action, c.Method, c.Path, c.Decision, c.Status, c.Reason))];
    }

    /// <summary>
    /// Enabled agents whose policy in force has an allow rule that could match this integration for this end user
    /// (the same question the agent API's connection listing asks: no action, no method, no input).
    /// </summary>
    private async Task<IReadOnlyList<CoveringAgent>> CoveringAgentsAsync(
        CybrLinkDbContext db, ConnectionHeader connection, DateTimeOffset now, CancellationToken ct)
    {
        if (connection.Status == ConnectionStatus.Revoked)
        {
            return [];
        }

        var agents = await db.Agents.AsNoTracking()
            .Where(a => a.Status == AgentStatus.Active)
            .OrderBy(a => a.Name)
            .Take(MaxAgentsChecked)
            .Select(a => new CoveringAgent(a.Id, a.Name))
            .ToListAsync(ct);
        var covering = new List<CoveringAgent>();
        foreach (var agent in agents)
        {
            var policy = await policies.LoadAsync(agent.Id, ct);
            var request = new PolicyRequest(agent.Id, connection.EndUser.Id, connection.OrganizationId, connection.IntegrationKey);
            if (PolicyEvaluator.Evaluate(policy, request, now).Allowed)
            {
                covering.Add(agent);
            }
        }

        return covering;
    }
}
