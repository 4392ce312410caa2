using System.Globalization;
using CybrLink.Core.Audit;
using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Web.Console.Audit;

/// <summary>
/// What the audit viewer and its exports show, as URL query parameters (<c>actor</c>, <c>action</c>, <c>target_type</c>,
/// <c>target_id</c>, <c>from</c>, <c>to</c>), so a link reproduces the view. Dates are UTC days, both ends included.
/// </summary>
public sealed record AuditFilter(
    string? Actor = null, string? Action = null, string? TargetType = null, string? TargetId = null, DateOnly? From = null, DateOnly? To = null)
{
    public const string DateFormat = "yyyy-MM-dd";

    public static AuditFilter FromQuery(IQueryCollection query) => Create(
        query["actor"], query["action"], query["target_type"], query["target_id"], query["from"], query["to"]);

    /// <summary>From raw text: blanks are no filter, and a date that does not parse is ignored rather than an error.</summary>
    public static AuditFilter Create(string? actor, string? action, string? targetType, string? targetId, string? from, string? to) =>
        new(Clean(actor), Clean(action), Clean(targetType), Clean(targetId), ParseDate(from), ParseDate(to));

    public bool IsEmpty => this == new AuditFilter();

    /// <summary>The query string (with its leading "?", or "" when nothing is filtered).</summary>
    public string ToQueryString()
    {
        var pairs = new Dictionary<string, string?>
        {
            ["actor"] = Actor, ["action"] = Action, ["target_type"] = TargetType, ["target_id"] = TargetId,
            ["from"] = From?.ToString(DateFormat, CultureInfo.InvariantCulture), ["to"] = To?.ToString(DateFormat, CultureInfo.InvariantCulture),
        }.Where(p => p.Value is not null).ToDictionary();
        return pairs.Count == 0 ? "" : QueryHelpers.AddQueryString("", pairs);
    }

    /// <summary>The filter as a database query: the actor matches an actor id (an operator's email) or type ("system").</summary>
    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events)
    {
        if (Actor is { } actor)
        {
            events = events.Where(e => e.ActorId == actor || e.ActorType == actor);
        }

        if (Action is { } action)
        {
            events = events.Where(e => e.Action == action);
        }

        if (TargetType is { } targetType)
        {
            events = events.Where(e => e.TargetType == targetType);
        }

        if (TargetId is { } targetId)
        {
            events = events.Where(e => e.TargetId == targetId);
        }

        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.At >= start);
        }

        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.At < end);
        }

        return events;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value?.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
