using System.Globalization;
using CybrLink.Core.Connections;
using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Web.Console.Connections;

/// <summary>
/// The connections grid's view as a URL (the contract the detail page and the E2E tests rely on):
/// <c>/connections?integration=KEY&amp;status=active|error|revoked&amp;org=ORG&amp;q=TEXT&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;sort=FIELD_asc|desc&amp;page=N</c>
/// (FIELD: created, status, integration, last_used; N from 1). Unknown or malformed values are ignored.
/// </summary>
public sealed record ConnectionsView(
    string? Integration = null, ConnectionStatus? Status = null, string? Organization = null, string? Search = null,
    DateOnly? From = null, DateOnly? To = null, ConnectionSort? Sort = null, int Page = 1)
{
    public const string Path = "/connections";
    private const string DateFormat = "yyyy-MM-dd";

    public ConnectionSort EffectiveSort => Sort ?? ConnectionSort.NewestFirst;

    public ConnectionFilter Filter => new(Integration, Status, Organization, Search, From, To);

    public static ConnectionsView Parse(string? integration, string? status, string? org, string? q, string? from, string? to, string? sort, int? page) => new(
        Blank(integration), ParseStatus(status), Blank(org), Blank(q), ParseDate(from), ParseDate(to), ParseSort(sort), page is > 0 ? page.Value : 1);

    /// <summary>The URL of this view (only the parts that differ from the default).</summary>
    public string Url()
    {
        var query = new Dictionary<string, string?>
        {
            ["integration"] = Integration,
            ["status"] = Status?.ToString().ToLowerInvariant(),
            ["org"] = Organization,
            ["q"] = Search,
            ["from"] = From?.ToString(DateFormat, CultureInfo.InvariantCulture),
            ["to"] = To?.ToString(DateFormat, CultureInfo.InvariantCulture),
            ["sort"] = Sort is { } s && s != ConnectionSort.NewestFirst ? $"{FieldName(s.Field)}_{(s.Descending ? "desc" : "asc")}" : null,
            ["page"] = Page > 1 ? Page.ToString(CultureInfo.InvariantCulture) : null,
        };
        return QueryHelpers.AddQueryString(Path, query.Where(p => p.Value is not null));
    }

    public static string FieldName(ConnectionSortField field) => field switch
    {
        ConnectionSortField.Status => "status",
        ConnectionSortField.Integration => "integration",
        ConnectionSortField.LastUsed => "last_used",
        _ => "created",
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static ConnectionStatus? ParseStatus(string? text) => text?.ToLowerInvariant() switch
    {
        "active" => ConnectionStatus.Active,
        "error" => ConnectionStatus.Error,
        "revoked" => ConnectionStatus.Revoked,
        _ => null,
    };

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static ConnectionSort? ParseSort(string? text)
    {
        var cut = text?.LastIndexOf('_') ?? -1;
        if (cut <= 0)
        {
            return null;
        }

        var descending = text![(cut + 1)..] switch { "asc" => false, "desc" => true, _ => (bool?)null };
        var field = text[..cut] switch
        {
            "created" => ConnectionSortField.Created,
            "status" => ConnectionSortField.Status,
            "integration" => ConnectionSortField.Integration,
            "last_used" => ConnectionSortField.LastUsed,
            _ => (ConnectionSortField?)null,
        };
        return descending is { } d && field is { } f ? new ConnectionSort(f, d) : null;
    }
}
