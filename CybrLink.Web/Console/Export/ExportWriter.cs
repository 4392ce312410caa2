using System.Text.Json;
using CsvHelper;
using Microsoft.Net.Http.Headers;

namespace CybrLink.Web.Console.Export;

/// <summary>
/// Writes a console export as a download, row by row as the rows arrive (never the whole table in memory): CSV through
/// CsvHelper, or JSON lines with snake_case names.
/// </summary>
public static class ExportWriter
{
    private static readonly JsonSerializerOptions JsonLines = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task WriteCsvAsync<T>(HttpResponse response, string fileName, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        Start(response, fileName, "text/csv; charset=utf-8");
        // Note: formula-injection escaping on: a value such as "=HYPERLINK(...)" written by anyone who can put text in
        // an event (an end user's id, an agent's name) must open in a spreadsheet as text, not run as a formula.
        await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordsAsync(rows, ct);
        await csv.FlushAsync(ct);
    }

    public static async Task WriteJsonLinesAsync<T>(HttpResponse response, string fileName, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        Start(response, fileName, "application/jsonl; charset=utf-8");
        var written = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await JsonSerializer.SerializeAsync(response.Body, row, JsonLines, ct);
            await response.Body.WriteAsync(NewLine, ct);
            if (++written % 500 == 0)
            {
                await response.Body.FlushAsync(ct);
            }
        }
    }

    private static void Start(HttpResponse response, string fileName, string contentType)
    {
        response.ContentType = contentType;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        // Note: exports hold who did what; no shared cache may keep a copy.
        response.Headers.CacheControl = "no-store";
    }
}
