using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace CybrLink.Web.Console.Export;

/// <summary>
/// Streams rows to a download as they are read: CSV (CsvHelper, a <c>[CsvRecord]</c> type) or JSON lines (one
/// snake_case object per line). Nothing is buffered beyond the writer's own block, so a million rows cost no memory.
/// </summary>
public static class ExportWriter
{
    private static readonly JsonSerializerOptions JsonLines = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    // Note: formula-injection escaping on. Exported values come from agents and end users (paths, ids, rule ids); a
    // value such as =HYPERLINK(...) would otherwise run as a formula when an operator opens the file in a spreadsheet.
    private static readonly CsvWriterOptions Csv = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    public static async Task WriteCsvAsync<T>(HttpResponse response, string fileName, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        Start(response, fileName, "text/csv; charset=utf-8");
        await using var csv = CsvWriter.Create(response.Body, Csv, leaveOpen: true);
        await csv.WriteRecordsAsync(rows, ct);
        await csv.FlushAsync(ct);
    }

    public static async Task WriteJsonLinesAsync<T>(HttpResponse response, string fileName, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        Start(response, fileName, "application/jsonl; charset=utf-8");
        var newLine = "\n"u8.ToArray();
        var written = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await JsonSerializer.SerializeAsync(response.Body, row, JsonLines, ct);
            await response.Body.WriteAsync(newLine, ct);
            if (++written % 1000 == 0)
            {
                await response.Body.FlushAsync(ct);
            }
        }

        await response.Body.FlushAsync(ct);
    }

    private static void Start(HttpResponse response, string fileName, string contentType)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers[HeaderNames.ContentDisposition] =
            new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        // An export is read once; no intermediary should keep a copy of the call log.
        response.Headers[HeaderNames.CacheControl] = "no-store";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
