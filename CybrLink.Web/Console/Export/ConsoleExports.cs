using CybrLink.Web.Console.Audit;
using CybrLink.Web.Infrastructure;

namespace CybrLink.Web.Console.Export;

/// <summary>The console's downloads: any operator (Admin or Viewer) signed in with the console cookie.</summary>
public static class ConsoleExports
{
    public const string AuditCsv = "/console/export/audit.csv";
    public const string AuditJsonLines = "/console/export/audit.jsonl";

    public static IEndpointRouteBuilder MapConsoleExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/console/export").RequireAuthorization(WebSetup.OperatorPolicy).ExcludeFromDescription();
        exports.MapGet("/audit.csv", AuditCsvAsync);
        exports.MapGet("/audit.jsonl", AuditJsonLinesAsync);
        return app;
    }

    public static Task AuditCsvAsync(HttpContext http, AuditQuery audit, CancellationToken ct) =>
        ExportWriter.WriteCsvAsync(http.Response, "audit.csv", audit.ExportAsync(AuditFilter.FromQuery(http.Request.Query), ct), ct);

    public static Task AuditJsonLinesAsync(HttpContext http, AuditQuery audit, CancellationToken ct) =>
        ExportWriter.WriteJsonLinesAsync(http.Response, "audit.jsonl", audit.ExportAsync(AuditFilter.FromQuery(http.Request.Query), ct), ct);
}
