namespace CybrLink.Core.Agents;

/// <summary>A request field about agents cannot be accepted (answered 422, naming the field in its JSON spelling).</summary>
public sealed class AgentValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

public enum AgentProblem
{
    /// <summary>No agent has that id.</summary>
    NotFound,
    /// <summary>No key with that id belongs to the agent.</summary>
    KeyNotFound,
    /// <summary>No agent token has that id.</summary>
    TokenNotFound,
    /// <summary>Another agent already has that name.</summary>
    NameTaken,
    /// <summary>The agent is disabled: it gets no new keys or tokens until re-activated.</summary>
    Disabled,
}

/// <summary>The agent cannot do what was asked, or does not exist. The web layer maps the problem to HTTP.</summary>
public sealed class AgentProblemException(AgentProblem problem, string? detail = null)
    : Exception(detail ?? $"The agent request cannot be done: {problem}.")
{
    public AgentProblem Problem { get; } = problem;

    /// <summary>A sentence for the caller, when there is more to say than the problem's title.</summary>
    public string? Detail { get; } = detail;
}
