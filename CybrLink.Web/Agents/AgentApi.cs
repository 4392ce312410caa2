using System.Text.Json;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.Connections;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CybrLink.Web.Agents;

/// <summary>An action call: for the end user's connection to the integration, or for one connection by id.</summary>
public sealed record AgentActionRequest(string? EndUserId = null, Guid? ConnectionId = null)
{
    /// <summary>The action's input (a JSON object matching its <c>input_schema</c>); absent means <c>{}</c>.</summary>
    public JsonElement Input { get; init; }
}

/// <summary>An action's answer: the selected part of the provider's answer, its status and CybrLink's request id.</summary>
public sealed record AgentActionResponse(JsonElement? Data, int UpstreamStatus, string RequestId);

/// <summary>A connection the agent may use (never a credential).</summary>
public sealed record AgentConnectionResponse(
    Guid Id, string Integration, string EndUserId, ConnectionStatus Status, DateTimeOffset CreatedAt);

/// <summary>A permitted action and its input schema (JSON Schema 2020-12).</summary>
public sealed record AgentActionDescription(
    string Integration, string Action, string Title, string Description, string Kind, string Method, JsonElement InputSchema);

/// <summary>
/// The agent-facing API (<c>Authorization: Bearer cbl_agent_…</c> or <c>cbl_at_…</c>). Every route goes through the
/// one gate (policy, connection state, rate limits) and leaves one audit row.
/// </summary>
public static class AgentApi
{
    public const string Prefix = "/api/v1/agent";

    public static bool IsProxyPath(PathString path) =>
        path.StartsWithSegments(Prefix + "/proxy", StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        var agent = app.MapGroup(Prefix).RequireAuthorization(AgentAuthentication.Policy).DisableAntiforgery()
            .WithTags("Agent API");
        agent.MapAgentMeApi();
        agent.MapGet("/connections", AgentListings.ConnectionsAsync).WithName("AgentListConnections")
            .WithSummary("Connections this agent's policy covers (and, for a token, only its end user's).");
        agent.MapGet("/actions", AgentListings.ActionsAsync).WithName("AgentListActions")
            .WithSummary("Actions this agent may run, with their input schemas.");
        agent.MapPost("/actions/{integration}/{action}", RunActionAsync).WithName("AgentRunAction")
            .WithSummary("Run a typed action for an end user's connection.")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422).ProducesProblem(424)
            .ProducesProblem(429).ProducesProblem(503).ProducesProblem(504);
        agent.Map("/proxy/{connection_id:guid}/{**path}", AgentProxy.ForwardAsync).WithName("AgentProxy")
            .WithSummary("A raw provider call through Nango, when a proxy rule allows the method and path.")
            .WithMetadata(new LenientRequestMetadata())
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413).ProducesProblem(424)
            .ProducesProblem(429).ProducesProblem(503).ProducesProblem(504);
        return app;
    }

    public static async Task<Results<Ok<AgentActionResponse>, ProviderAnswer, ProblemHttpResult>> RunActionAsync(
        string integration, string action, AgentActionRequest? request, AgentActions actions, HttpContext http, CancellationToken ct)
    {
        var call = http.GetAgentCall();
        var given = request?.Input ?? default;
        if (given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            call.Reason = "validation_failed";
            return TypedResults.Problem(ApiProblems.Validation(http, new Dictionary<string, string[]>
            {
                ["input"] = ["Must be a JSON object (the action's input)."],
            }));
        }

        var input = given.ValueKind == JsonValueKind.Object ? given : JsonSerializer.SerializeToElement(new { });
        var target = new AgentTarget(integration, request?.ConnectionId, request?.EndUserId);
        var outcome = await actions.RunAsync(integration, action, target, input, call, ct);
        return outcome.ProviderError is { } error
            ? new ProviderAnswer(error)
            : TypedResults.Ok(new AgentActionResponse(outcome.Data, outcome.UpstreamStatus, call.RequestId));
    }
}
