using System.Text.Encodings.Web;
using System.Text.Json;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Policies;

/// <summary>One saved version of an agent's policy, as its history lists it.</summary>
/// <param name="CreatedBy">Who saved it (<c>operator:alice@example.com</c>, <c>server_key:…</c>), when known.</param>
public sealed record PolicyVersionSummary(int Version, DateTimeOffset CreatedAt, string? CreatedBy);

/// <summary>The versions of an agent's policy (every save is kept) and the rules of any one of them, for history and diffs.</summary>
public sealed class PolicyHistory(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // Rule text is shown to operators, not put into HTML by hand: keep '<', '&' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<PolicyVersionSummary>> ListAsync(Guid agentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AgentPolicyVersions.AsNoTracking()
            .Where(v => v.AgentId == agentId)
            .OrderByDescending(v => v.Version)
            .Select(v => new PolicyVersionSummary(v.Version, v.CreatedAt, v.CreatedBy))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The version's body <c>{ "rules": [...] }</c>, pretty-printed (two-space indent, one field per line) so that a line
    /// diff of two versions shows what changed; version 0 is the empty policy. Null when the agent has no such version.
    /// </summary>
    public async Task<string?> PrettyJsonAsync(Guid agentId, int version, CancellationToken ct = default)
    {
        if (version == 0)
        {
            return PrettyBody("[]");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = await db.AgentPolicyVersions.AsNoTracking()
            .Where(v => v.AgentId == agentId && v.Version == version)
            .Select(v => v.RulesJson)
            .SingleOrDefaultAsync(ct);
        return json is null ? null : PrettyBody(json);
    }

    /// <summary>A stored rules array (<see cref="PolicyJson"/>) as the pretty body an editor shows.</summary>
    public static string PrettyBody(string rulesJson)
    {
        using var rules = JsonDocument.Parse(rulesJson);
        return JsonSerializer.Serialize(new { rules = rules.RootElement }, Pretty);
    }
}
