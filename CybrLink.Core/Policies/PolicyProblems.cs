namespace CybrLink.Core.Policies;

public enum PolicyProblem
{
    /// <summary>No agent has that id.</summary>
    AgentNotFound,

    /// <summary>Another writer saved a new version at the same moment, twice in a row.</summary>
    ConcurrentUpdate,

    /// <summary>The proxy path of a dry run was refused by <see cref="AgentPaths.Normalize"/>.</summary>
    InvalidPath,
}

/// <summary>A policy operation cannot be done; the web layer maps the problem to HTTP.</summary>
public sealed class PolicyProblemException(PolicyProblem problem, string? detail = null, Exception? inner = null)
    : Exception(detail ?? $"The policy operation failed: {problem}.", inner)
{
    public PolicyProblem Problem { get; } = problem;
    public string? Detail { get; } = detail;
}
