using CybrLink.Core.AgentAccess;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using CybrLink.Core.Policies;
using CybrLink.Web.Agents;
using CybrLink.Web.Connect;

namespace CybrLink.Web.Infrastructure;

/// <summary>How a domain problem is answered: status, stable code, title, and the page the Connect UI shows for it.</summary>
public sealed record ProblemAnswer(
    int Status, string Code, string Title, ConnectNotice? Notice = null, string? Detail = null, TimeSpan? RetryAfter = null,
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>Members added to the problem (e.g. <c>rule_id</c>).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>A connect session whose link goes out as <c>connect_url</c> (built from the request or <c>Connect:PublicUrl</c>).</summary>
    public string? ConnectToken { get; init; }
}

/// <summary>
/// The one map from domain problems to HTTP, for every surface: the server API, the Connect UI's calls and its pages.
/// Endpoints throw; <see cref="CybrLinkExceptionHandler"/> answers.
/// </summary>
public static class DomainProblems
{
    public static ProblemAnswer For(ConnectSessionProblem problem) => problem switch
    {
        ConnectSessionProblem.NotFound => new(404, "session_not_found", "No such connect session.", ConnectNotice.NotFound),
        ConnectSessionProblem.Expired => new(410, "session_expired", "The connect session has expired.", ConnectNotice.Expired),
        ConnectSessionProblem.AlreadyUsed => new(410, "session_already_used", "The connect session was already used.", ConnectNotice.AlreadyUsed),
        ConnectSessionProblem.Cancelled => new(410, "session_cancelled", "The connect session was cancelled.", ConnectNotice.Cancelled),
        ConnectSessionProblem.NotConfirmed => new(409, "connection_not_confirmed", "Nango does not confirm that connection for this session."),
        ConnectSessionProblem.ConnectionRevoked => new(409, "connection_revoked",
            "The connection was revoked; create a new connect session for the end user instead."),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };

    public static ProblemAnswer For(PolicyProblem problem, string? detail) => problem switch
    {
        PolicyProblem.AgentNotFound => new(404, "agent_not_found", "No such agent."),
        PolicyProblem.ConcurrentUpdate => new(409, "policy_conflict", "The policy was changed by another request at the same time.", Detail: detail),
        PolicyProblem.InvalidPath => new(400, NormalizedPath.ErrorCode, "The path is not acceptable.", Detail: detail),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };

    public static ProblemAnswer For(AgentProblem problem) => problem switch
    {
        AgentProblem.NotFound => new(404, "agent_not_found", "No such agent."),
        AgentProblem.KeyNotFound => new(404, "agent_key_not_found", "The agent has no key with that id."),
        AgentProblem.TokenNotFound => new(404, "agent_token_not_found", "No such agent token."),
        AgentProblem.NameTaken => new(409, "agent_name_taken", "Another agent has that name."),
        AgentProblem.Disabled => new(409, "agent_disabled", "The agent is disabled."),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };

    /// <summary>
    /// The same answer for an end user's browser: whatever Nango refused is "not available" to them, with no detail
    /// (Nango's codes are for the operator's log); a busy Nango stays "busy, retry".
    /// </summary>
    public static ProblemAnswer ForEndUser(ProblemAnswer answer) =>
        answer.Code == "nango_error" || answer.Code == "nango_unavailable"
            ? new(503, "nango_unavailable", "The connection service is not available.", ConnectNotice.Unavailable)
            : answer;


    /// <summary>The answer for an exception, or null when it is not a known problem (a 500).</summary>
    public static ProblemAnswer? For(Exception exception) => exception switch
    {
        ConnectSessionStateException e => For(e.Problem),
        ConnectValidationException e => new(422, "validation_failed", "A field cannot be accepted.", Detail: e.Message,
            Errors: new Dictionary<string, string[]> { [e.Field] = [e.Message] }),
        PolicyValidationException e => new(422, "validation_failed", "A field cannot be accepted.", Errors: e.Errors),
        PolicyProblemException e => For(e.Problem, e.Detail),
        AgentProblemException e => For(e.Problem) with { Detail = e.Detail },
        AgentValidationException e => new(422, "validation_failed", "A field cannot be accepted.", Detail: e.Message,
            Errors: new Dictionary<string, string[]> { [e.Field] = [e.Message] }),
        AgentAccessException e => AgentProblems.For(e),
        // Note: a 429 means Nango did nothing; the caller may simply try again. It is never the caller's failure.
        NangoApiException { IsRateLimited: true } e => new(503, "nango_busy",
            "The connection service is busy; try again shortly.", ConnectNotice.Unavailable, RetryAfter: e.RetryAfter),
        NangoUnavailableException e => new(503, "nango_unavailable", "The connection service is not available.",
            ConnectNotice.Unavailable, e.Message),
        // Note: only Nango's code goes out, never its message or body: they can name internals.
        NangoApiException e => new(502, "nango_error", "The connection service refused the request.",
            ConnectNotice.Unavailable, $"Nango answered {(int)e.Status} {e.Code}."),
        // Note: an agent call whose audit row cannot be committed is not answered: 503, never an unaudited 2xx.
        AgentCallNotRecordedException => new(503, "audit_unavailable",
            "The call could not be recorded in the audit log, so it was not answered; try again shortly."),
        // Note: the framework's message names parameters and types; the caller gets a plain sentence instead.
        BadHttpRequestException { InnerException: System.Text.Json.JsonException } => new(400, "malformed_json", "The body is not valid JSON."),
        BadHttpRequestException e => new(e.StatusCode, ApiProblems.DefaultCode(e.StatusCode), ApiProblems.DefaultTitle(e.StatusCode),
            Detail: "The request could not be read."),
        _ => null,
    };
}
