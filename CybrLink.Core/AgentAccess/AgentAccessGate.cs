using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.AgentAccess;

/// <summary>Which connection a call is for: by id, or the end user's connection to an integration.</summary>
public sealed record AgentTarget(string? Integration, Guid? ConnectionId, string? EndUserId);

/// <summary>What the call does: a typed action (with its input) or a raw method and normalised path.</summary>
public sealed record AgentOperation(string? Action = null, string? Method = null, string? Path = null, JsonElement? Input = null);

/// <summary>A call that may go ahead: the connection to use, its integration and the rule that allowed it.</summary>
public sealed record AgentGrant(Connection Connection, CatalogIntegration Integration, PolicyDecision Decision);

/// <summary>
/// The one decision every agent surface goes through, in this order: connection → the credential's end-user binding →
/// policy (deny by default) → connection state → rate limits. Nothing here is cached: a revoked connection, a disabled
/// agent or a changed policy is felt by the very next call.
/// </summary>
public sealed class AgentAccessGate(
    IDbContextFactory<CybrLinkDbContext> dbFactory,
    PolicyStore policies,
    AgentRateLimits limits,
    AgentConnectLinks links,
    TimeProvider time)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<AgentGrant> AuthorizeAsync(AgentTarget target, AgentOperation operation, AgentCallDraft call, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await FindConnectionAsync(db, target, ct);
        var integrationKey = connection?.IntegrationKey ?? target.Integration
            ?? throw new AgentAccessException(AgentRefusal.ConnectionNotFound, "No such connection.");
        var endUserId = connection?.EndUserId ?? target.EndUserId
            ?? throw new AgentAccessException(AgentRefusal.ConnectionNotFound, "Name a connection_id or an end_user_id.");
        call.Integration = integrationKey;
        call.EndUserId = endUserId;
        call.ConnectionId = connection?.Id;

        // Note: a token is bound to one end user (and maybe some integrations); it is refused before the policy is
        // read, so a token cannot learn anything about another end user's connections or rules.
        if (!call.Caller.MayActFor(endUserId, integrationKey))
        {
            throw Deny(call, null, "credential_scope", "This credential is bound to another end user or integration.");
        }

        var integration = await db.Integrations.AsNoTracking().SingleOrDefaultAsync(i => i.Key == integrationKey, ct)
            ?? throw new AgentAccessException(AgentRefusal.IntegrationNotFound, "No such integration.");
        var organization = connection is not null
            ? connection.OrganizationId
            : await db.EndUsers.Where(u => u.Id == endUserId).Select(u => u.OrganizationId).SingleOrDefaultAsync(ct);

        var policy = await policies.LoadAsync(call.Caller.AgentId, ct);
        var request = new PolicyRequest(call.Caller.AgentId, endUserId, organization, integrationKey,
            operation.Action, operation.Method, operation.Path, operation.Input);
        var decision = PolicyEvaluator.Evaluate(policy, request, time.GetUtcNow());
        call.RuleId = decision.RuleId;
        if (!decision.Allowed)
        {
            throw Deny(call, decision.RuleId, decision.RuleId is null ? PolicyDecision.NoMatchingRule : "policy", decision.Reason);
        }

        await EnsureUsableAsync(connection, decision, call, ct);
        if (limits.TryAcquire(call.Caller.AgentId, endUserId, decision) is { } wait)
        {
            call.Reason = "rate_limited";
            throw new AgentAccessException(AgentRefusal.RateLimited, "Too many calls; try again later.") { RetryAfter = wait, RuleId = decision.RuleId };
        }

        call.Decision = AgentCallDraft.Allowed;
        await TouchAsync(db, connection!, ct);
        return new AgentGrant(connection!, integration, decision);
    }

    private async Task EnsureUsableAsync(Connection? connection, PolicyDecision decision, AgentCallDraft call, CancellationToken ct)
    {
        switch (connection?.Status)
        {
            case null when decision.MayRequestConnection:
                call.Reason = "connection_required";
                var session = await links.ConnectAsync(call.Caller.AgentId, call.EndUserId!, call.Integration!, ct);
                throw new AgentAccessException(AgentRefusal.ConnectionRequired,
                    "The end user has not connected this integration yet; send them to connect_url.")
                { RuleId = decision.RuleId, ConnectSession = session };
            case null:
                throw Deny(call, decision.RuleId, "no_connection",
                    "The end user has not connected this integration, and the rule does not allow asking them to.");
            case not null when connection!.IsDemo:
                // Note: before any Nango call: a demo connection's Nango id is made up and must never be used.
                call.Reason = "demo_connection";
                throw new AgentAccessException(AgentRefusal.DemoConnection,
                    "This connection is demo data (seed-demo): it exists only in CybrLink and has no credential to use.");
            case ConnectionStatus.Revoked:
                call.Reason = "connection_revoked";
                throw new AgentAccessException(AgentRefusal.ConnectionRevoked, "The connection was revoked.");
            case ConnectionStatus.Error:
                call.Reason = "connection_error";
                throw new AgentAccessException(AgentRefusal.ConnectionError,
                    "The connection's credential is not working; the end user has to reconnect.");
        }
    }

    /// <summary>Records when the connection was last used by an agent, at most once a minute (not a write per call).</summary>
    private async Task TouchAsync(CybrLinkDbContext db, Connection connection, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (connection.LastUsedAt is { } last && now - last < LastUsedResolution)
        {
            return;
        }

        var stale = now - LastUsedResolution;
        await db.Connections
            .Where(c => c.Id == connection.Id && (c.LastUsedAt == null || c.LastUsedAt < stale))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), ct);
    }

    private static AgentAccessException Deny(AgentCallDraft call, string? ruleId, string reason, string detail)
    {
        call.Decision = AgentCallDraft.Denied;
        call.RuleId = ruleId;
        call.Reason = reason;
        return new AgentAccessException(AgentRefusal.Denied, detail) { RuleId = ruleId, Reason = reason };
    }

    /// <summary>By id; or the end user's connection to the integration: a usable one first, then the newest.</summary>
    private static async Task<Connection?> FindConnectionAsync(CybrLinkDbContext db, AgentTarget target, CancellationToken ct)
    {
        if (target.ConnectionId is { } id)
        {
            var byId = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
            if (byId is null || (target.Integration is { } key && byId.IntegrationKey != key))
            {
                throw new AgentAccessException(AgentRefusal.ConnectionNotFound, "No such connection.");
            }

            return byId;
        }

        if (target.EndUserId is null || target.Integration is null)
        {
            return null;
        }

        var candidates = await db.Connections.AsNoTracking()
            .Where(c => c.EndUserId == target.EndUserId && c.IntegrationKey == target.Integration)
            .OrderByDescending(c => c.CreatedAt).Take(20).ToListAsync(ct);
        // A real connection before demo data, then usable before failing before revoked.
        var real = candidates.Where(c => !c.IsDemo).ToList();
        return real.FirstOrDefault(c => c.Status == ConnectionStatus.Active)
            ?? real.FirstOrDefault(c => c.Status == ConnectionStatus.Error)
            ?? real.FirstOrDefault()
            ?? candidates.FirstOrDefault();
    }
}
