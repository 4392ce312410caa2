namespace CybrLink.Core.ConnectSessions;

/// <summary>A request names something that cannot be accepted (answered 422, naming the field).</summary>
public sealed class ConnectValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

public enum ConnectSessionProblem
{
    /// <summary>No session has that token or id.</summary>
    NotFound,
    Expired,
    /// <summary>The session completed already: links work once.</summary>
    AlreadyUsed,
    Cancelled,
    /// <summary>Nango does not list the connection the browser reported, for this session.</summary>
    NotConfirmed,
    /// <summary>The connection to re-authorise was revoked; a revoked connection is never revived.</summary>
    ConnectionRevoked,
}

/// <summary>The session cannot do what was asked in its current state. The web layer maps the problem to HTTP.</summary>
public sealed class ConnectSessionStateException(ConnectSessionProblem problem, string? locale = null)
    : Exception($"The connect session cannot be used: {problem}.")
{
    public ConnectSessionProblem Problem { get; } = problem;

    /// <summary>The session's language, when the session is known, so its notice page speaks it too.</summary>
    public string? Locale { get; } = locale;
}
