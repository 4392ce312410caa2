using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.Audit;

/// <summary>How long audit events are kept (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Events older than this many days are deleted and the chain re-anchored; 0 keeps them forever (default).</summary>
    [Range(0, 36_500, ErrorMessage = "Audit:RetentionDays must be between 0 (keep forever) and 36500.")]
    public int RetentionDays { get; set; }

    /// <summary>How often the retention job looks for old events.</summary>
    [Range(1, 10_080, ErrorMessage = "Audit:RetentionIntervalMinutes must be between 1 and 10080.")]
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>The most events deleted in one transaction (each batch re-anchors the chain, so it verifies between batches).</summary>
    [Range(1, 100_000, ErrorMessage = "Audit:RetentionBatchSize must be between 1 and 100000.")]
    public int RetentionBatchSize { get; set; } = 5_000;
}

/// <summary>Checks <see cref="AuditOptions"/> at start; every message names the key it is about.</summary>
[OptionsValidator]
public sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
}
