using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;

namespace CybrLink.Web.Mcp;

/// <summary><c>list_connections</c>: the end user's connections (never revoked ones) that the credential and policy cover.</summary>
public sealed class McpConnectionsTool(IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore policies, TimeProvider time)
{
    private const int MaxListed = 200;

    public async Task<CallToolResult> ListAsync(AgentCaller caller, string endUserId, AgentCallDraft call, CancellationToken ct)
    {
        var policy = await policies.LoadAsync(caller.AgentId, ct);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Connections.AsNoTracking()
            .Where(c => c.EndUserId == endUserId && c.Status != ConnectionStatus.Revoked)
            .OrderByDescending(c => c.CreatedAt).Take(MaxListed).ToListAsync(ct);
        var listed = rows
            .Where(c => caller.MayActFor(c.EndUserId, c.IntegrationKey)
                && PolicyEvaluator.Evaluate(policy, new PolicyRequest(caller.AgentId, c.EndUserId, c.OrganizationId, c.IntegrationKey), now).Allowed)
            .Select(c => new { id = c.Id, integration = c.IntegrationKey, status = c.Status.ToString().ToLowerInvariant(), created_at = c.CreatedAt })
            .ToList();
        call.Decision = AgentCallDraft.Allowed;
        return McpToolResults.Data($"{listed.Count} connection(s) of end user '{endUserId}'.",
            System.Text.Json.JsonSerializer.SerializeToElement(new { connections = listed }));
    }
}
