using CybrLink.Web.Connect;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Api;

// Note: these records carry the JSON and mark what the document calls required; every field's value is checked once,
// in Core (ConnectSessionCommandValidator).
public sealed record EndUserRequest([property: Required] string Id, string? Email = null, string? DisplayName = null)
{
    public EndUserInput ToInput() => new(Id, Email, DisplayName);
}

public sealed record OrganizationRequest([property: Required] string Id, string? DisplayName = null);

public sealed record CreateConnectSessionRequest(
    [property: Required] EndUserRequest EndUser,
    [property: Required] string Integration,
    OrganizationRequest? Organization = null,
    string? ReturnUrl = null,
    int? ExpiresInMinutes = null,
    Dictionary<string, string>? ConnectionConfig = null,
    string? Locale = null)
{
    public CreateConnectSessionCommand ToCommand() => new(
        EndUser?.ToInput(),
        Integration,
        Organization is { } org ? new OrganizationInput(org.Id, org.DisplayName) : null,
        ReturnUrl,
        ExpiresInMinutes,
        ConnectionConfig,
        Locale);
}

public sealed record ReconnectSessionRequest(string? ReturnUrl = null, int? ExpiresInMinutes = null, string? Locale = null)
{
    public ReconnectCommand ToCommand() => new(ReturnUrl, ExpiresInMinutes, Locale);
}

/// <summary>The token and URL are shown once; CybrLink keeps only the token's hash.</summary>
public sealed record CreateConnectSessionResponse(Guid Id, string Token, string ConnectUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// A session's state: <c>pending</c> → <c>opened</c> → <c>completed</c> | <c>expired</c> | <c>cancelled</c>. A failed
/// attempt leaves it <c>opened</c> with <c>last_error</c> until the person succeeds or it ends.
/// </summary>
public sealed record ConnectSessionResponse(
    Guid Id, ConnectSessionStatus Status, string Integration, string EndUserId, Guid? ConnectionId, string? LastError,
    bool Reconnect, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public static ConnectSessionResponse From(ConnectSessionView v) =>
        new(v.Id, v.Status, v.Integration, v.EndUserId, v.ConnectionId, v.LastError, v.IsReconnect, v.CreatedAt, v.ExpiresAt);
}

public static class ConnectSessionsApi
{
    public static RouteGroupBuilder MapConnectSessionsApi(this RouteGroupBuilder v1)
    {
        var sessions = v1.MapGroup("/connect-sessions").WithTags("Connect sessions");
        sessions.MapPost("/", CreateAsync).WithName("CreateConnectSession")
            .WithSummary("Create a connect session for one end user and one integration.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetConnectSession").WithSummary("A session's status.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapDelete("/{id:guid}", CancelAsync).WithName("CancelConnectSession")
            .WithSummary("Cancel a session that has not completed.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);

        v1.MapPost("/connections/{id:guid}/reconnect-session", ReconnectAsync).WithTags("Connections")
            .WithName("CreateReconnectSession")
            .WithSummary("A connect session that re-authorises an existing connection (same connection id afterwards).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return v1;
    }

    public static async Task<Created<CreateConnectSessionResponse>> CreateAsync(
        CreateConnectSessionRequest request, ConnectSessionService sessions, IOptions<ConnectOptions> options,
        HttpContext http, ClaimsPrincipal caller, CancellationToken ct)
    {
        var created = await sessions.CreateAsync(request.ToCommand(), ApiActors.Of(caller), ct);
        return ToCreated(created, options.Value, http);
    }

    public static async Task<Results<Ok<ConnectSessionResponse>, ProblemHttpResult>> GetAsync(
        Guid id, ConnectSessionService sessions, CancellationToken ct) =>
        await sessions.GetAsync(id, ct) is { } view
            ? TypedResults.Ok(ConnectSessionResponse.From(view))
            : NotFound();

    public static async Task<Results<Ok<ConnectSessionResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, ConnectSessionCompleter completer, TimeProvider time, ClaimsPrincipal caller, CancellationToken ct) =>
        await completer.CancelAsync(id, ApiActors.Of(caller), ct) is { } session
            ? TypedResults.Ok(ConnectSessionResponse.From(ConnectSessionView.Of(session, time.GetUtcNow())))
            : NotFound();

    public static async Task<Results<Created<CreateConnectSessionResponse>, ProblemHttpResult>> ReconnectAsync(
        Guid id, ReconnectSessionRequest? request, ConnectSessionService sessions, IOptions<ConnectOptions> options,
        HttpContext http, ClaimsPrincipal caller, CancellationToken ct)
    {
        var created = await sessions.CreateReconnectAsync(id, request?.ToCommand() ?? new ReconnectCommand(), ApiActors.Of(caller), ct);
        return created is null
            ? ApiProblems.Result(404, "connection_not_found", "No such connection.")
            : ToCreated(created, options.Value, http);
    }

    private static Created<CreateConnectSessionResponse> ToCreated(CreatedConnectSession created, ConnectOptions options, HttpContext http)
    {
        var connectUrl = ConnectLinks.Url(options, http, created.Token);
        return TypedResults.Created(
            $"/api/v1/connect-sessions/{created.Id}",
            new CreateConnectSessionResponse(created.Id, created.Token, connectUrl, created.ExpiresAt));
    }

    private static ProblemHttpResult NotFound() => ApiProblems.Result(404, "session_not_found", "No such connect session.");
}
