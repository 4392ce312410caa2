using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CybrLink.Web.Api;

// Note: these records carry the JSON and mark what the document calls required; every value is checked once, in Core
// (AgentValidator).
public sealed record CreateAgentRequest([property: Required] string Name, string? Description = null)
{
    public CreateAgentCommand ToCommand() => new(Name, Description);
}

/// <summary>A partial change: fields left out stay as they are; an empty description clears it.</summary>
public sealed record UpdateAgentRequest(string? Name = null, string? Description = null, AgentStatus? Status = null)
{
    public UpdateAgentCommand ToCommand() => new(Name, Description, Status);
}

public sealed record CreateAgentKeyRequest(string? Name = null, DateTimeOffset? ExpiresAt = null)
{
    public CreateAgentKeyCommand ToCommand() => new(Name, ExpiresAt);
}

/// <summary>A token for one end user, for 60 to 86400 seconds, optionally limited to some integrations.</summary>
public sealed record CreateAgentTokenRequest(
    [property: Required] string EndUserId, [property: Required] int? TtlSeconds, List<string>? Integrations = null)
{
    public CreateAgentTokenCommand ToCommand() => new(EndUserId, TtlSeconds, Integrations);
}

/// <summary>A key as listed: its prefix tells keys apart; the key itself was shown once, at creation.</summary>
public sealed record AgentKeyResponse(
    Guid Id, string? Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public static AgentKeyResponse From(AgentKeyView k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>An agent, <c>active</c> or <c>disabled</c>, with its keys (revoked ones included, for history).</summary>
public sealed record AgentResponse(
    Guid Id, string Name, string? Description, AgentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? DisabledAt, IReadOnlyList<AgentKeyResponse> Keys)
{
    public static AgentResponse From(AgentView a) => new(
        a.Id, a.Name, a.Description, a.Status, a.CreatedAt, a.UpdatedAt, a.DisabledAt, [.. a.Keys.Select(AgentKeyResponse.From)]);
}

/// <summary>The key is shown once; CybrLink keeps only its hash.</summary>
public sealed record CreateAgentKeyResponse(Guid Id, string Key, string Prefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>The token is shown once; CybrLink keeps only its hash.</summary>
public sealed record CreateAgentTokenResponse(Guid Id, string Token, DateTimeOffset ExpiresAt);

public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this RouteGroupBuilder v1)
    {
        var agents = v1.MapGroup("/agents").WithTags("Agents");
        agents.MapPost("/", CreateAsync).WithName("CreateAgent").WithSummary("Create an agent.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        agents.MapGet("/", ListAsync).WithName("ListAgents").WithSummary("Every agent, by name, with its keys (never a key itself).");
        agents.MapGet("/{id:guid}", GetAsync).WithName("GetAgent").WithSummary("One agent with its keys (never a key itself).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateAgent")
            .WithSummary("Change name, description or status; disabling revokes every key and token, re-activating brings none back.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        agents.MapDelete("/{id:guid}", DisableAsync).WithName("DisableAgent")
            .WithSummary("Disable the agent and revoke every key and token it has; its history stays.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapPost("/{id:guid}/keys", CreateKeyAsync).WithName("CreateAgentKey")
            .WithSummary("A new key for the agent, shown once.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        agents.MapDelete("/{id:guid}/keys/{key_id:guid}", RevokeKeyAsync).WithName("RevokeAgentKey")
            .WithSummary("Revoke one key; the next request with it is refused.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapPost("/{id:guid}/tokens", CreateTokenAsync).WithName("CreateAgentToken")
            .WithSummary("A short-lived token that acts as the agent for one end user only (and optionally some integrations), shown once.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapDelete("/agent-tokens/{id:guid}", RevokeTokenAsync).WithTags("Agents").WithName("RevokeAgentToken")
            .WithSummary("Revoke an agent token; the next request with it is refused.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static async Task<Created<AgentResponse>> CreateAsync(
        CreateAgentRequest request, AgentService agents, ClaimsPrincipal caller, CancellationToken ct)
    {
        var agent = await agents.CreateAsync(request.ToCommand(), ApiActors.Of(caller), ct);
        return TypedResults.Created($"/api/v1/agents/{agent.Id}", AgentResponse.From(agent));
    }

    public static async Task<Ok<IReadOnlyList<AgentResponse>>> ListAsync(AgentService agents, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<AgentResponse>>([.. (await agents.ListAsync(ct)).Select(AgentResponse.From)]);

    public static async Task<Ok<AgentResponse>> GetAsync(Guid id, AgentService agents, CancellationToken ct) =>
        TypedResults.Ok(AgentResponse.From(await agents.GetAsync(id, ct) ?? throw new AgentProblemException(AgentProblem.NotFound)));

    public static async Task<Ok<AgentResponse>> UpdateAsync(
        Guid id, UpdateAgentRequest request, AgentService agents, ClaimsPrincipal caller, CancellationToken ct) =>
        TypedResults.Ok(AgentResponse.From(await agents.UpdateAsync(id, request.ToCommand(), ApiActors.Of(caller), ct)));

    public static async Task<Ok<AgentResponse>> DisableAsync(Guid id, AgentService agents, ClaimsPrincipal caller, CancellationToken ct) =>
        TypedResults.Ok(AgentResponse.From(await agents.DisableAsync(id, ApiActors.Of(caller), ct)));

    public static async Task<Created<CreateAgentKeyResponse>> CreateKeyAsync(
        Guid id, CreateAgentKeyRequest? request, AgentKeys keys, ClaimsPrincipal caller, CancellationToken ct)
    {
        var (key, secret) = await keys.CreateAsync(id, request?.ToCommand() ?? new CreateAgentKeyCommand(), ApiActors.Of(caller), ct);
        return TypedResults.Created(
            $"/api/v1/agents/{id}",
            new CreateAgentKeyResponse(key.Id, secret, key.Prefix, key.Name, key.CreatedAt, key.ExpiresAt));
    }

    public static async Task<NoContent> RevokeKeyAsync(
        Guid id, [FromRoute(Name = "key_id")] Guid keyId, AgentKeys keys, ClaimsPrincipal caller, CancellationToken ct)
    {
        await keys.RevokeAsync(id, keyId, ApiActors.Of(caller), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Created<CreateAgentTokenResponse>> CreateTokenAsync(
        Guid id, CreateAgentTokenRequest request, AgentTokens tokens, ClaimsPrincipal caller, CancellationToken ct)
    {
        var created = await tokens.CreateAsync(id, request.ToCommand(), ApiActors.Of(caller), ct);
        return TypedResults.Created(
            $"/api/v1/agent-tokens/{created.Id}", new CreateAgentTokenResponse(created.Id, created.Token, created.ExpiresAt));
    }

    public static async Task<NoContent> RevokeTokenAsync(Guid id, AgentTokens tokens, ClaimsPrincipal caller, CancellationToken ct)
    {
        await tokens.RevokeAsync(id, ApiActors.Of(caller), ct);
        return TypedResults.NoContent();
    }
}
