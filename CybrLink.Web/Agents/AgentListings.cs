using CybrLink.Core.Actions;
using CybrLink.Core.Agents;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Agents;

/// <summary>What an agent may see: the connections and actions its policy (and its credential's binding) covers.</summary>
public static class AgentListings
{
    public const int MaxPageSize = 200;

    // Connections are read newest first in pages of this size and filtered by the policy until a page is full.
    private const int ScanBatch = 500;
    private const int MaxScanned = 5000;

    public static async Task<Results<Ok<IReadOnlyList<AgentConnectionResponse>>, ProblemHttpResult>> ConnectionsAsync(
        HttpContext http, IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore policies, TimeProvider time,
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

        var call = http.GetAgentCall();
        var caller = call.Caller;
        endUserId ??= caller.EndUserId;
        call.EndUserId = endUserId;
        call.Integration = integration;
        var policy = await policies.LoadAsync(caller.AgentId, ct);
        var now = time.GetUtcNow();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Connections.AsNoTracking().Where(c => c.Status != ConnectionStatus.Revoked);
        if (endUserId is not null)
        {
            query = query.Where(c => c.EndUserId == endUserId);
        }

        if (integration is not null)
        {
            query = query.Where(c => c.IntegrationKey == integration);
        }

        var page = new List<AgentConnectionResponse>();
        for (var skip = 0; skip < MaxScanned && page.Count < (limit ?? 50); skip += ScanBatch)
        {
            var batch = await query.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Skip(skip).Take(ScanBatch).ToListAsync(ct);
            page.AddRange(batch
                .Where(c => caller.MayActFor(c.EndUserId, c.IntegrationKey)
                    && PolicyEvaluator.Evaluate(policy, new PolicyRequest(caller.AgentId, c.EndUserId, c.OrganizationId, c.IntegrationKey), now).Allowed)
                .Take((limit ?? 50) - page.Count)
                .Select(c => new AgentConnectionResponse(c.Id, c.IntegrationKey, c.EndUserId, c.Status, c.CreatedAt)));
            if (batch.Count < ScanBatch)
            {
                break;
            }
        }

        call.Decision = Core.AgentCalls.AgentCallDraft.Allowed;
        return TypedResults.Ok<IReadOnlyList<AgentConnectionResponse>>(page);
    }

    public static async Task<Ok<IReadOnlyList<AgentActionDescription>>> ActionsAsync(
        HttpContext http, IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore policies, ActionCatalog catalog, TimeProvider time,
        [FromQuery(Name = "integration")] string? integration,
        [FromQuery(Name = "end_user_id")] string? endUserId,
        CancellationToken ct)
    {
        var call = http.GetAgentCall();
        var caller = call.Caller;
        endUserId ??= caller.EndUserId;
        call.EndUserId = endUserId;
        call.Integration = integration;
        var policy = await policies.LoadAsync(caller.AgentId, ct);
        var now = time.GetUtcNow();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integrations = await db.Integrations.AsNoTracking()
            .Where(i => i.InNango && i.Enabled && (integration == null || i.Key == integration))
            .OrderBy(i => i.Key).Select(i => new { i.Key, i.Provider }).ToListAsync(ct);
        var organization = endUserId is null
            ? null
            : await db.EndUsers.Where(u => u.Id == endUserId).Select(u => u.OrganizationId).SingleOrDefaultAsync(ct);

        var permitted = new List<AgentActionDescription>();
        foreach (var entry in integrations)
        {
            if (endUserId is not null && !caller.MayActFor(endUserId, entry.Key))
            {
                continue;
            }

            foreach (var action in catalog.ForProvider(entry.Provider))
            {
                var request = new PolicyRequest(caller.AgentId, endUserId ?? "", organization, entry.Key, action.Key);
                var allowed = endUserId is null
                    ? PolicyEvaluator.MayAllowForSomeEndUser(policy, request, now)
                    : PolicyEvaluator.Evaluate(policy, request, now).Allowed;
                if (allowed)
                {
                    permitted.Add(new AgentActionDescription(entry.Key, action.Key, action.Title, action.Description,
                        action.Kind.ToString().ToLowerInvariant(), action.Method, action.InputSchema));
                }
            }
        }

        call.Decision = Core.AgentCalls.AgentCallDraft.Allowed;
        return TypedResults.Ok<IReadOnlyList<AgentActionDescription>>(permitted);
    }
}
