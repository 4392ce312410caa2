using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Core.Actions;
using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;

namespace CybrLink.Web.Mcp;

/// <summary>What a tool name stands for in a session: a built-in tool, or one action of one integration.</summary>
public sealed record McpToolTarget(string Name, string? Integration = null, string? Action = null);

/// <summary>A session's tools as of now, and what each name runs.</summary>
public sealed record McpToolSet(IReadOnlyList<Tool> Tools, IReadOnlyDictionary<string, McpToolTarget> Targets);

/// <summary>
/// Builds a session's tools from the agent's policy in force and the catalog, every time they are asked for (nothing
/// cached): <c>list_connections</c>, one tool per permitted action, and <c>http_request</c> when a rule grants proxy calls.
/// </summary>
public sealed class McpToolCatalog(
    IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore policies, ActionCatalog catalog, TimeProvider time)
{
    public const string EndUserArgument = "end_user_id";

    public async Task<McpToolSet> BuildAsync(McpCallerSession session, CancellationToken ct)
    {
        var caller = session.Caller;
        var endUserId = session.EndUserId;
        var policy = await policies.LoadAsync(caller.AgentId, ct);
        var now = time.GetUtcNow();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integrations = await db.Integrations.AsNoTracking().Where(i => i.InNango && i.Enabled)
            .OrderBy(i => i.Key).Select(i => new { i.Key, i.Provider }).ToListAsync(ct);
        var organization = endUserId is null
            ? null
            : await db.EndUsers.Where(u => u.Id == endUserId).Select(u => u.OrganizationId).SingleOrDefaultAsync(ct);

        var permitted = new List<(string Integration, ActionDefinition Action)>();
        foreach (var entry in integrations)
        {
            if (endUserId is not null && !caller.MayActFor(endUserId, entry.Key))
            {
                continue;
            }

            if (endUserId is null && caller.Integrations is { } bound && !bound.Contains(entry.Key, StringComparer.Ordinal))
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
                    permitted.Add((entry.Key, action));
                }
            }
        }

        var names = McpToolNames.Assign(permitted.Select(p => (p.Integration, p.Action.Key)));
        var tools = new List<Tool> { ListConnectionsTool(endUserId) };
        var targets = new Dictionary<string, McpToolTarget>(StringComparer.Ordinal)
        {
            [McpToolNames.ListConnections] = new(McpToolNames.ListConnections),
        };
        foreach (var (integration, action) in permitted)
        {
            var name = names[(integration, action.Key)];
            tools.Add(ActionTool(name, integration, action, endUserId));
            targets[name] = new McpToolTarget(name, integration, action.Key);
        }

        if (policy.Rules.Any(r => r.Effect == PolicyEffect.Allow && r.Proxy is { Count: > 0 } && (r.ExpiresAt is not { } at || at > now)))
        {
            tools.Add(McpHttpRequestTool.Describe(endUserId));
            targets[McpToolNames.HttpRequest] = new(McpToolNames.HttpRequest);
        }

        return new McpToolSet(tools, targets);
    }

    private static Tool ListConnectionsTool(string? endUserId) => new()
    {
        Name = McpToolNames.ListConnections,
        Title = "List connections",
        Description = endUserId is null
            ? "Lists the connected accounts (integration, status, id) of the end user named by end_user_id that this assistant may use."
            : $"Lists the connected accounts (integration, status, id) of end user '{endUserId}' that this assistant may use.",
        InputSchema = Schema(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject(), ["additionalProperties"] = false }, endUserId),
        Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false },
    };

    private static Tool ActionTool(string name, string integration, ActionDefinition action, string? endUserId) => new()
    {
        Name = name,
        Title = action.Title,
        Description = $"{action.Description} Acts on "
            + (endUserId is null ? $"the {integration} account of the end user named by end_user_id." : $"end user '{endUserId}''s {integration} account."),
        InputSchema = Schema(JsonNode.Parse(action.InputSchema.GetRawText())!.AsObject(), endUserId),
        Annotations = new ToolAnnotations
        {
            ReadOnlyHint = action.Kind == ActionKind.Read,
            DestructiveHint = action.Kind != ActionKind.Read,
        },
    };

    /// <summary>The schema as is for a session bound to an end user; otherwise with a required <c>end_user_id</c> added.</summary>
    internal static JsonElement Schema(JsonObject schema, string? endUserId)
    {
        if (endUserId is null)
        {
            var properties = schema["properties"] as JsonObject ?? [];
            schema["properties"] = properties;
            properties[EndUserArgument] = new JsonObject { ["type"] = "string", ["description"] = "The end user whose account to act on." };
            var required = schema["required"] as JsonArray ?? [];
            schema["required"] = required;
            required.Add(EndUserArgument);
        }

        return JsonSerializer.SerializeToElement(schema);
    }
}
