using CybrLink.Core.ConnectSessions;

namespace CybrLink.Core.AgentAccess;

/// <summary>Why an agent call was not carried out. Each maps to one status and stable code (see the Web problem map).</summary>
public enum AgentRefusal
{
    /// <summary>403 <c>denied</c>: the policy (or the credential's binding) does not allow it.</summary>
    Denied,

    /// <summary>409 <c>connection_required</c>: no connection yet; a connect link for the end user comes with it.</summary>
    ConnectionRequired,

    /// <summary>409 <c>connection_revoked</c>.</summary>
    ConnectionRevoked,

    /// <summary>409 <c>demo_connection</c>: demo data (seed-demo); it has no credential in Nango, so nothing is sent.</summary>
    DemoConnection,

    /// <summary>409 <c>connection_error</c>: Nango reports the credential is not working.</summary>
    ConnectionError,

    /// <summary>424 <c>reconnect_required</c>: Nango failed to refresh the credential; a reconnect link comes with it.</summary>
    ReconnectRequired,

    /// <summary>404 <c>connection_not_found</c>.</summary>
    ConnectionNotFound,

    /// <summary>404 <c>integration_not_found</c>.</summary>
    IntegrationNotFound,

    /// <summary>404 <c>action_not_found</c>.</summary>
    ActionNotFound,

    /// <summary>422 <c>invalid_input</c>: the input does not match the action's schema (errors listed).</summary>
    InvalidInput,

    /// <summary>400 <c>invalid_path</c>: the proxy path has a dot segment, an encoded slash, double encoding, NUL, <c>;</c>….</summary>
    InvalidPath,

    /// <summary>400 <c>forbidden_header</c>: a header that could steer Nango.</summary>
    ForbiddenHeader,

    /// <summary>413 <c>payload_too_large</c>: more than <see cref="AgentOptions.MaxBodyBytes"/>.</summary>
    BodyTooLarge,

    /// <summary>429 <c>rate_limited</c>: a CybrLink rate limit (the agent's or the rule's).</summary>
    RateLimited,

    /// <summary>429 <c>nango_rate_limited</c>: Nango's own per-key limit.</summary>
    NangoRateLimited,

    /// <summary>502 <c>result_too_large</c>: an action's answer is over <see cref="AgentOptions.MaxActionResultBytes"/>.</summary>
    ResultTooLarge,

    /// <summary>503 <c>nango_unavailable</c>.</summary>
    NangoUnavailable,

    /// <summary>504 <c>upstream_timeout</c>.</summary>
    UpstreamTimeout,
}

/// <summary>One field error in an action's input, with its JSON pointer.</summary>
public sealed record AgentInputError(string Pointer, string Message);

/// <summary>A refused agent call: the reason, the deciding rule (if any) and what the agent can do next.</summary>
public sealed class AgentAccessException(AgentRefusal refusal, string detail) : Exception(detail)
{
    public AgentRefusal Refusal { get; } = refusal;

    /// <summary>The rule that decided a denial, or null (deny by default, or a refusal a rule does not decide).</summary>
    public string? RuleId { get; init; }

    /// <summary>A connect (or reconnect) session made for exactly this end user and integration.</summary>
    public CreatedConnectSession? ConnectSession { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For a denial: why, as a stable word (<c>no_matching_rule</c>, <c>policy</c>, <c>credential_scope</c>, <c>no_connection</c>).</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<AgentInputError> InputErrors { get; init; } = [];
}
