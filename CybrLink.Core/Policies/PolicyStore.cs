using System.Collections.Concurrent;
using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Policies;

/// <summary>An agent's policy as shown to the operator: version 0 with no rules when it was never set.</summary>
public sealed record PolicyView(Guid AgentId, int Version, DateTimeOffset? UpdatedAt, IReadOnlyList<PolicyRule> Rules, string RulesJson);

/// <summary>
/// Reads and writes agents' policies. Every write is a new immutable version (the highest is in force) and one
/// <c>policy.updated</c> audit event with a diff by rule id.
/// </summary>
public sealed class PolicyStore(IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyValidator validator, AuditLog audit, TimeProvider time)
{
    public const string UpdatedAuditAction = "policy.updated";

    // Parsed policies by agent, each tagged with its version row's id. Note: only the parse is cached (a version never
    // changes once written); which version is current is read from the database on every call, so a new policy is in
    // force from the very next request on every instance.
    private readonly ConcurrentDictionary<Guid, AgentPolicy> _parsed = new();

    /// <summary>The policy in force for an agent (empty, denying everything, when none was set). One indexed query.</summary>
    public async Task<AgentPolicy> LoadAsync(Guid agentId, CancellationToken ct = default)
    {
        _parsed.TryGetValue(agentId, out var cached);
        var cachedId = cached?.VersionId ?? Guid.Empty;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.AgentPolicyVersions.AsNoTracking()
            .Where(v => v.AgentId == agentId)
            .OrderByDescending(v => v.Version)
            .Select(v => new { v.Id, v.Version, v.CreatedAt, Json = v.Id == cachedId ? null : v.RulesJson })
            .FirstOrDefaultAsync(ct);
        if (current is null)
        {
            return AgentPolicy.Empty(agentId);
        }

        if (cached is not null && current.Json is null)
        {
            return cached;
        }

        var policy = new AgentPolicy(agentId, current.Id, current.Version, current.CreatedAt, Parse(current.Json!));
        _parsed[agentId] = policy;
        return policy;
    }

    /// <summary>The agent's policy; <see cref="PolicyProblem.AgentNotFound"/> when there is no such agent.</summary>
    public async Task<PolicyView> GetAsync(Guid agentId, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await EnsureAgentAsync(db, agentId, ct);
        }

        return ToView(await LoadAsync(agentId, ct));
    }

    /// <summary>
    /// Validates <paramref name="body"/> (<c>{ "rules": [...] }</c>) and saves it as the next version. A disabled agent's
    /// policy can be written too. Throws <see cref="PolicyValidationException"/> (422) or <see cref="PolicyProblemException"/>.
    /// </summary>
    public async Task<PolicyView> ReplaceAsync(Guid agentId, JsonElement body, AuditActor actor, CancellationToken ct = default)
    {
        var result = validator.Validate(body);
        if (!result.IsValid)
        {
            throw new PolicyValidationException(result.Errors);
        }

        var json = PolicyJson.Write(result.Rules);
        if (json.Length > AgentPolicyVersion.MaxRulesJsonLength)
        {
            throw new PolicyValidationException(new Dictionary<string, string[]>
            {
                ["rules"] = [$"The policy is too large ({json.Length} characters stored; at most {AgentPolicyVersion.MaxRulesJsonLength})."],
            });
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await EnsureAgentAsync(db, agentId, ct);
            var previous = await db.AgentPolicyVersions.AsNoTracking()
                .Where(v => v.AgentId == agentId)
                .OrderByDescending(v => v.Version)
                .Select(v => new { v.Version, v.RulesJson })
                .FirstOrDefaultAsync(ct);
            var version = new AgentPolicyVersion
            {
                Id = Guid.CreateVersion7(),
                AgentId = agentId,
                Version = (previous?.Version ?? 0) + 1,
                RulesJson = json,
                CreatedAt = time.GetUtcNow(),
                CreatedBy = actor.Id is null ? actor.Type : $"{actor.Type}:{actor.Id}",
            };
            db.AgentPolicyVersions.Add(version);
            var before = previous is null ? [] : Parse(previous.RulesJson);
            audit.Add(db, UpdatedAuditAction, actor, new AuditTarget("agent", agentId.ToString()),
                PolicyDiff.Describe(version.Version, before, result.Rules));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt == 1 && !ct.IsCancellationRequested)
            {
                // Another writer took this version number (the unique index on agent + version): diff against theirs, once.
                continue;
            }
            catch (DbUpdateException e)
            {
                throw new PolicyProblemException(PolicyProblem.ConcurrentUpdate,
                    "The policy was changed by another request at the same time; read it again and retry.", e);
            }

            var policy = new AgentPolicy(agentId, version.Id, version.Version, version.CreatedAt, result.Rules);
            _parsed[agentId] = policy;
            return ToView(policy, json);
        }
    }

    private static async Task EnsureAgentAsync(CybrLinkDbContext db, Guid agentId, CancellationToken ct)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == agentId, ct))
        {
            throw new PolicyProblemException(PolicyProblem.AgentNotFound, "No such agent.");
        }
    }

    private IReadOnlyList<PolicyRule> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return validator.ParseStored(document.RootElement);
    }

    private static PolicyView ToView(AgentPolicy policy, string? json = null) =>
        new(policy.AgentId, policy.Version, policy.UpdatedAt, policy.Rules, json ?? PolicyJson.Write(policy.Rules));
}

/// <summary>The audit detail of a policy change: which rule ids were added, removed or changed (and whether the order moved).</summary>
internal static class PolicyDiff
{
    public static string Describe(int version, IReadOnlyList<PolicyRule> before, IReadOnlyList<PolicyRule> after)
    {
        var old = before.ToDictionary(r => r.Id, PolicyJson.Write, StringComparer.Ordinal);
        var now = after.ToDictionary(r => r.Id, PolicyJson.Write, StringComparer.Ordinal);
        var added = after.Where(r => !old.ContainsKey(r.Id)).Select(r => r.Id).ToList();
        var removed = before.Where(r => !now.ContainsKey(r.Id)).Select(r => r.Id).ToList();
        var changed = after.Where(r => old.TryGetValue(r.Id, out var was) && was != now[r.Id]).Select(r => r.Id).ToList();
        var kept = after.Select(r => r.Id).Where(old.ContainsKey).ToList();
        var reordered = !kept.SequenceEqual(before.Select(r => r.Id).Where(now.ContainsKey));

        var parts = new List<string>();
        if (added.Count > 0)
        {
            parts.Add($"added: {string.Join(", ", added)}");
        }

        if (removed.Count > 0)
        {
            parts.Add($"removed: {string.Join(", ", removed)}");
        }

        if (changed.Count > 0)
        {
            parts.Add($"changed: {string.Join(", ", changed)}");
        }

        if (reordered)
        {
            parts.Add("reordered");
        }

        return $"version {version}; " + (parts.Count == 0 ? "no rule changed" : string.Join("; ", parts));
    }
}
