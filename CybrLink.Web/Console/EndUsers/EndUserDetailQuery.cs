using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Web.Console.Connections;
using CybrLink.Web.Console.ConnectSessions;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.EndUsers;

public sealed record EndUserConnectionRow(
    Guid Id, string IntegrationKey, ConnectionStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool NangoDeletePending);

public sealed record EndUserProfile(
    string Id, string? DisplayName, string? Email, string? OrganizationId, string? OrganizationName, DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt, int ActiveAgentTokens)
{
    public string Name => DisplayName ?? Email ?? Id;
}

public sealed record EndUserDetail(
    EndUserProfile Profile, IReadOnlyList<EndUserConnectionRow> Connections, IReadOnlyList<SessionListRow> Sessions,
    IReadOnlyList<CallRow> Calls);

/// <summary>The end-user detail page's reads: profile, connections, sessions and recent calls, each by an indexed column.</summary>
public sealed class EndUserDetailQuery(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    public const int MaxConnections = 200;
    public const int MaxSessions = 50;
    public const int RecentCalls = 20;

    /// <returns>Null when CybrLink has never seen that end user (no record, connection or session).</returns>
    public async Task<EndUserDetail?> LoadAsync(string endUserId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var user = await db.EndUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == endUserId, ct);
        var connections = await db.Connections.AsNoTracking()
            .Where(c => c.EndUserId == endUserId)
            .OrderByDescending(c => c.CreatedAt)
            .Take(MaxConnections)
            .Select(c => new EndUserConnectionRow(c.Id, c.IntegrationKey, c.Status, c.CreatedAt, c.LastUsedAt, c.NangoDeletePending))
            .ToListAsync(ct);
        var sessions = await ConnectSessionsQuery.ForEndUserAsync(db, endUserId, now, MaxSessions, ct);
        if (user is null && connections.Count == 0 && sessions.Count == 0)
        {
            return null;
        }

        var tokens = await db.AgentTokens.CountAsync(t => t.EndUserId == endUserId && t.RevokedAt == null && t.ExpiresAt > now, ct);
        var profile = new EndUserProfile(
            endUserId, user?.DisplayName ?? sessions.FirstOrDefault()?.EndUserName, user?.Email ?? sessions.FirstOrDefault()?.EndUserEmail,
            user?.OrganizationId, user?.OrganizationName, user?.CreatedAt, user?.UpdatedAt, tokens);
        return new EndUserDetail(profile, connections, sessions,
            await ConnectionDetailQuery.CallsAsync(db, c => c.EndUserId == endUserId, RecentCalls, ct));
    }
}
