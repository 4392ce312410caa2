using System.Text.Json;
using CybrLink.Core.Agents;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.Agents;

/// <summary>An agent as the list shows it.</summary>
public sealed record AgentRow(
    Guid Id, string Name, string? Description, AgentStatus Status, int ActiveKeys, DateTimeOffset? LastUsedAt, int PolicyVersion);

/// <summary>An agent token as the credentials tab lists it (never the token itself).</summary>
public sealed record AgentTokenRow(
    Guid Id, string EndUserId, IReadOnlyList<string>? Integrations, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The reads of the agents pages, projected to small records; the writes go through Core's agent services.</summary>
public sealed class AgentConsoleQueries(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Every agent by name, with its usable keys, when a key or token of it was last used, and its policy version.</summary>
    public async Task<IReadOnlyList<AgentRow>> ListAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Agents.AsNoTracking().OrderBy(a => a.Name).Select(a => new
        {
            a.Id,
            a.Name,
            a.Description,
            a.Status,
            ActiveKeys = db.AgentKeys.Count(k => k.AgentId == a.Id && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)),
            KeyUsed = db.AgentKeys.Where(k => k.AgentId == a.Id).Max(k => k.LastUsedAt),
            TokenUsed = db.AgentTokens.Where(t => t.AgentId == a.Id).Max(t => t.LastUsedAt),
            Version = db.AgentPolicyVersions.Where(v => v.AgentId == a.Id).Max(v => (int?)v.Version) ?? 0,
        }).ToListAsync(ct);
        return [.. rows.Select(r => new AgentRow(r.Id, r.Name, r.Description, r.Status, r.ActiveKeys, Latest(r.KeyUsed, r.TokenUsed), r.Version))];
    }

    /// <summary>One page of the agent's tokens, newest first, and how many it has in all.</summary>
    public async Task<(IReadOnlyList<AgentTokenRow> Rows, int Total)> TokensAsync(Guid agentId, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tokens = db.AgentTokens.AsNoTracking().Where(t => t.AgentId == agentId);
        var total = await tokens.CountAsync(ct);
        var rows = await tokens.OrderByDescending(t => t.Id).Skip(page * pageSize).Take(pageSize)
            .Select(t => new { t.Id, t.EndUserId, t.IntegrationsJson, t.DisplayPrefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt })
            .ToListAsync(ct);
        return ([.. rows.Select(t => new AgentTokenRow(t.Id, t.EndUserId,
            t.IntegrationsJson is null ? null : JsonSerializer.Deserialize<string[]>(t.IntegrationsJson), t.DisplayPrefix, t.CreatedAt,
            t.ExpiresAt, t.RevokedAt, t.LastUsedAt))], total);
    }

    /// <summary>The Nango provider of a catalog integration (whose action manifest applies), or null.</summary>
    public async Task<string?> ProviderOfAsync(string integrationKey, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Integrations.AsNoTracking().Where(i => i.Key == integrationKey).Select(i => i.Provider).FirstOrDefaultAsync(ct);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
