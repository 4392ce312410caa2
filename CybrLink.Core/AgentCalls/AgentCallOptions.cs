using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentCalls;

/// <summary>How agent-call audit rows are written (section <c>AgentCalls</c>).</summary>
public sealed class AgentCallOptions
{
    public const string SectionName = "AgentCalls";

    /// <summary>The most rows written in one transaction (group commit).</summary>
    [Range(1, 10_000, ErrorMessage = "AgentCalls:MaxBatch must be between 1 and 10000.")]
    public int MaxBatch { get; set; } = 256;

    /// <summary>Rows waiting to be written; when full, callers wait (a row is never dropped).</summary>
    [Range(1, 1_000_000, ErrorMessage = "AgentCalls:QueueCapacity must be between 1 and 1000000.")]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts to write one batch before its callers are told it failed.</summary>
    [Range(1, 10, ErrorMessage = "AgentCalls:WriteAttempts must be between 1 and 10.")]
    public int WriteAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of a failed batch (doubles on each further retry).</summary>
    [Range(0, 10_000, ErrorMessage = "AgentCalls:RetryDelayMilliseconds must be between 0 and 10000.")]
    public int RetryDelayMilliseconds { get; set; } = 100;
}

/// <summary>Checks <see cref="AgentCallOptions"/> at start; every message names the key it is about.</summary>
[OptionsValidator]
public sealed partial class AgentCallOptionsValidator : IValidateOptions<AgentCallOptions>
{
}
