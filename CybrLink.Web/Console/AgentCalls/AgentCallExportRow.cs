using CsvHelper;
using CybrLink.Core.AgentCalls;

namespace CybrLink.Web.Console.AgentCalls;

/// <summary>One agent call as the CSV and JSON-lines exports write it (snake_case columns and properties).</summary>
[CsvRecord]
public sealed partial record AgentCallExportRow(
    [property: CsvColumn("id")] Guid Id,
    [property: CsvColumn("at"), CsvFormat("yyyy-MM-ddTHH:mm:ss.fffZ")] DateTimeOffset At,
    [property: CsvColumn("agent_id")] Guid AgentId,
    [property: CsvColumn("agent_name")] string? AgentName,
    [property: CsvColumn("end_user_id")] string? EndUserId,
    [property: CsvColumn("connection_id")] Guid? ConnectionId,
    [property: CsvColumn("integration")] string? Integration,
    [property: CsvColumn("surface")] string Surface,
    [property: CsvColumn("action")] string? Action,
    [property: CsvColumn("tool")] string? Tool,
    [property: CsvColumn("method")] string? Method,
    [property: CsvColumn("path")] string? Path,
    [property: CsvColumn("decision")] string Decision,
    [property: CsvColumn("rule_id")] string? RuleId,
    [property: CsvColumn("reason")] string? Reason,
    [property: CsvColumn("status")] int Status,
    [property: CsvColumn("upstream_status")] int? UpstreamStatus,
    [property: CsvColumn("latency_ms")] int LatencyMs,
    [property: CsvColumn("request_id")] string RequestId)
{
    public static AgentCallExportRow From(AgentCallRow r) => new(
        r.Id, r.At, r.AgentId, r.AgentName, r.EndUserId, r.ConnectionId, r.Integration, r.Surface, r.Action, r.Tool, r.Method, r.Path,
        r.Decision, r.RuleId, r.Reason, r.Status, r.UpstreamStatus, r.LatencyMs, r.RequestId);
}
