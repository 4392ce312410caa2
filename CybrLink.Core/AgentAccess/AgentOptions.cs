using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentAccess;

/// <summary>The agent API (section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>Largest request body an agent may send through an action or the proxy (bytes).</summary>
    [Range(1024, 1_073_741_824)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Calls per minute one agent may make across all its credentials and end users (per instance).</summary>
    [Range(1, 1_000_000)]
    public int DefaultPerMinute { get; set; } = 600;

    /// <summary>Largest provider answer an action reads to select its result (bytes); the proxy streams any size.</summary>
    [Range(1024, 268_435_456)]
    public int MaxActionResultBytes { get; set; } = 16 * 1024 * 1024;
}

[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;
