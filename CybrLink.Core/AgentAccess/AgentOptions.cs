using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentAccess;

/// <summary>The agent API (section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>Largest request body an agent may send through an action or the proxy (bytes).</summary>
    [Range(1024, 1_073_741_824, ErrorMessage = "Agent:MaxBodyBytes must be between 1024 and 1073741824.")]
    public int MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Calls per minute one agent may make across all its credentials and end users (per instance).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Agent:DefaultPerMinute must be between 1 and 1000000.")]
    public int DefaultPerMinute { get; set; } = 600;

    /// <summary>Largest provider answer an action reads to select its result (bytes); the proxy streams any size.</summary>
    [Range(1024, 268_435_456, ErrorMessage = "Agent:MaxActionResultBytes must be between 1024 and 268435456.")]
    public int MaxActionResultBytes { get; set; } = 16 * 1024 * 1024;
}

[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;
