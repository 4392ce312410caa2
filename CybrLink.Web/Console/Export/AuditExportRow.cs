using CsvHelper;

namespace CybrLink.Web.Console.Export;

/// <summary>One audit event in an export (CSV columns and JSON-lines properties are snake_case).</summary>
[CsvRecord]
public sealed partial record AuditExportRow(
    [property: CsvColumn("sequence")] long Sequence,
    [property: CsvColumn("id")] Guid Id,
    [property: CsvColumn("at")] DateTimeOffset At,
    [property: CsvColumn("actor_type")] string ActorType,
    [property: CsvColumn("actor_id")] string? ActorId,
    [property: CsvColumn("action")] string Action,
    [property: CsvColumn("target_type")] string TargetType,
    [property: CsvColumn("target_id")] string TargetId,
    [property: CsvColumn("detail")] string? Detail,
    [property: CsvColumn("previous_hash")] string PreviousHash,
    [property: CsvColumn("hash")] string Hash);
