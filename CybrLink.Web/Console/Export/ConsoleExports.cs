using System.Runtime.CompilerServices;
using CybrLink.Core.AgentCalls;
using CybrLink.Web.Console.AgentCalls;
using CybrLink.Web.Console.Audit;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CybrLink.Web.Console.Export;

/// <summary>
/// The console's downloads: signed-in operators (Admin or Viewer) with their cookie, never a server key. Each route
/// takes the same filters as the page it exports, and streams.
/// </summary>
public static class ConsoleExports
{
    public const string Prefix = "/console/export";
    public const string AuditCsv = Prefix + "/audit.csv";
    public const string AuditJsonLines = Prefix + "/audit.jsonl";

    public static IEndpointRouteBuilder MapConsoleExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup(Prefix).RequireAuthorization(WebSetup.OperatorPolicy).ExcludeFromDescription();

        // Agent calls (the call log's filters: agent, end_user, integration, decision, from, to).
        exports.MapGet("/agent-calls.csv", AgentCallsCsvAsync);
        exports.MapGet("/agent-calls.jsonl", AgentCallsJsonLinesAsync);

        // The audit log (its viewer's filters: actor, action, target_type, target_id, from, to), in chain order.
        exports.MapGet("/audit.csv", AuditCsvAsync);
        exports.MapGet("/audit.jsonl", AuditJsonLinesAsync);
        return app;
    }

    public static string AgentCallsUrl(string format, AgentCallsQueryString filters) => $"{Prefix}/agent-calls.{format}{filters.ToQueryString()}";

    public static Task<Results<EmptyHttpResult, ProblemHttpResult>> AgentCallsCsvAsync(
        HttpResponse response, AgentCallQuery calls, TimeProvider time, [AsParameters] AgentCallsQueryString filters, CancellationToken ct) =>
        ExportAgentCallsAsync(filters, calls, rows => ExportWriter.WriteCsvAsync(response, FileName(time, "csv"), rows, ct), ct);

    public static Task<Results<EmptyHttpResult, ProblemHttpResult>> AgentCallsJsonLinesAsync(
        HttpResponse response, AgentCallQuery calls, TimeProvider time, [AsParameters] AgentCallsQueryString filters, CancellationToken ct) =>
        ExportAgentCallsAsync(filters, calls, rows => ExportWriter.WriteJsonLinesAsync(response, FileName(time, "jsonl"), rows, ct), ct);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAgentCallsAsync(
        AgentCallsQueryString filters, AgentCallQuery calls, Func<IAsyncEnumerable<AgentCallExportRow>, Task> write, CancellationToken ct)
    {
        var (filter, errors) = filters.Parse();
        if (filter is null)
        {
            return TypedResults.Problem(ApiProblems.Validation(null, errors));
        }

        await write(Rows(calls, filter, ct));
        return TypedResults.Empty;
    }

    private static async IAsyncEnumerable<AgentCallExportRow> Rows(AgentCallQuery calls, AgentCallFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in calls.StreamAsync(filter, ct))
        {
            yield return AgentCallExportRow.From(row);
        }
    }

    private static string FileName(TimeProvider time, string extension) => $"agent-calls-{time.GetUtcNow():yyyyMMdd-HHmmss}.{extension}";

    public static Task AuditCsvAsync(HttpContext http, AuditQuery audit, CancellationToken ct) =>
        ExportWriter.WriteCsvAsync(http.Response, "audit.csv", audit.ExportAsync(AuditFilter.FromQuery(http.Request.Query), ct), ct);

    public static Task AuditJsonLinesAsync(HttpContext http, AuditQuery audit, CancellationToken ct) =>
        ExportWriter.WriteJsonLinesAsync(http.Response, "audit.jsonl", audit.ExportAsync(AuditFilter.FromQuery(http.Request.Query), ct), ct);
}
