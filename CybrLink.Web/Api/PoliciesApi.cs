using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Core.Audit;
using CybrLink.Core.Policies;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;

namespace CybrLink.Web.Api;

/// <summary>An agent's policy: its ordered rules, in canonical form (methods uppercase, times in UTC).</summary>
public sealed record PolicyResponse(Guid AgentId, int Version, DateTimeOffset? UpdatedAt, IReadOnlyList<PolicyRuleDocument> Rules)
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static PolicyResponse From(PolicyView view) =>
        new(view.AgentId, view.Version, view.UpdatedAt, JsonSerializer.Deserialize<List<PolicyRuleDocument>>(view.RulesJson, Canonical)!);
}

/// <summary>
/// A dry run: <c>action</c> (with <c>input</c> to evaluate conditions; without it they are not evaluated), or
/// <c>method</c> + <c>path</c> (raw, as the agent would send it), or neither to ask about the integration as a whole.
/// </summary>
public sealed record EvaluatePolicyRequest(
    [property: Required] string EndUserId,
    [property: Required] string Integration,
    string? Action = null,
    string? Method = null,
    string? Path = null,
    JsonObject? Input = null)
{
    public PolicyDryRunCommand ToCommand() =>
        new(EndUserId, Integration, Action, Method, Path, Input is null ? null : JsonSerializer.SerializeToElement(Input));
}

public sealed record EvaluatePolicyResponse(bool Allowed, string? RuleId, string Reason);

public static class PoliciesApi
{
    public static RouteGroupBuilder MapPoliciesApi(this RouteGroupBuilder v1)
    {
        var policy = v1.MapGroup("/agents/{id:guid}/policy").WithTags("Policies");
        policy.MapGet("/", GetAsync).WithName("GetAgentPolicy")
            .WithSummary("The agent's policy in force (version 0 and no rules when never set: everything denied).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        // Note: the body binds as free-form JSON so that PolicyValidator alone reads it and names every error by its path
        // (rules[2].proxy[0].methods[1]); the document still describes its shape (PolicyDocument).
        policy.MapPut("/", ReplaceAsync).WithName("ReplaceAgentPolicy").WithMetadata(new OwnBodyValidationMetadata())
            .WithSummary("Replace the agent's rules: a new version, and an audit event with the diff by rule id.")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(PolicyDocument), cancellationToken: ct);
                foreach (var content in operation.RequestBody?.Content?.Values ?? [])
                {
                    content.Schema = schema;
                }
            })
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        policy.MapPost("/evaluate", EvaluateAsync).WithName("EvaluateAgentPolicy")
            .WithSummary("Dry run: would the policy allow this? No side effects; the same evaluator as the agent API.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return v1;
    }

    public static async Task<Ok<PolicyResponse>> GetAsync(Guid id, PolicyStore store, CancellationToken ct) =>
        TypedResults.Ok(PolicyResponse.From(await store.GetAsync(id, ct)));

    public static async Task<Ok<PolicyResponse>> ReplaceAsync(
        Guid id, [FromBody] JsonElement body, PolicyStore store, ClaimsPrincipal caller, CancellationToken ct) =>
        TypedResults.Ok(PolicyResponse.From(await store.ReplaceAsync(id, body, ApiActors.Of(caller), ct)));

    public static async Task<Ok<EvaluatePolicyResponse>> EvaluateAsync(
        Guid id, EvaluatePolicyRequest request, PolicyDryRun dryRun, CancellationToken ct)
    {
        var decision = await dryRun.EvaluateAsync(id, request.ToCommand(), ct);
        return TypedResults.Ok(new EvaluatePolicyResponse(decision.Allowed, decision.RuleId, decision.Reason));
    }
}

// The body's shape, for the API document: PolicyValidator reads the body itself (see PolicyRule for the meaning).
public sealed record PolicyDocument([property: Required] IReadOnlyList<PolicyRuleDocument> Rules);

/// <summary>
/// One rule. <c>actions</c> omitted covers no action, <c>"*"</c> every action; <c>proxy</c> omitted allows no raw call.
/// An explicit deny wins over any allow; otherwise the first matching allow decides; otherwise denied.
/// <c>end_users</c> is <c>"*"</c>, <c>{"ids": [...]}</c> or <c>{"organization": "id"}</c>.
/// </summary>
public sealed record PolicyRuleDocument(
    [property: Required] string Id,
    [property: Required] string Integration,
    [property: Required] JsonElement EndUsers,
    string? Description = null,
    string? Effect = "allow",
    IReadOnlyList<string>? Actions = null,
    IReadOnlyList<ProxyGrantDocument>? Proxy = null,
    IReadOnlyList<PolicyConditionDocument>? Conditions = null,
    PolicyRateDocument? Rate = null,
    bool? MayRequestConnection = null,
    DateTimeOffset? ExpiresAt = null);

public sealed record ProxyGrantDocument([property: Required] IReadOnlyList<string> Methods, [property: Required] IReadOnlyList<string> Paths);

/// <summary><c>op</c>: equals, in, prefix, glob, max or max_length; <c>input</c>: a JSON pointer into the action's input.</summary>
public sealed record PolicyConditionDocument([property: Required] string Input, [property: Required] string Op, [property: Required] JsonElement Value);

public sealed record PolicyRateDocument(int? PerMinute = null, int? PerDay = null);
