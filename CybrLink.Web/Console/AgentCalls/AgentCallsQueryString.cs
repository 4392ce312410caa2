using System.Globalization;
using CybrLink.Core.AgentCalls;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;

namespace CybrLink.Web.Console.AgentCalls;

/// <summary>
/// The call log's filters as they travel in a URL (the page and its exports read the same names), so a link
/// reproduces the view. <c>from</c> and <c>to</c> are UTC days (<c>2026-03-14</c>, both inclusive) or instants (ISO 8601).
/// </summary>
public sealed record AgentCallsQueryString(
    [property: FromQuery(Name = "agent")] string? Agent = null,
    [property: FromQuery(Name = "end_user")] string? EndUser = null,
    [property: FromQuery(Name = "integration")] string? Integration = null,
    [property: FromQuery(Name = "decision")] string? Decision = null,
    [property: FromQuery(Name = "from")] string? From = null,
    [property: FromQuery(Name = "to")] string? To = null)
{
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>The filter, or what is wrong with each part that cannot be read (by query name).</summary>
    public (AgentCallFilter? Filter, Dictionary<string, string[]> Errors) Parse()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Guid? agent = null;
        if (!string.IsNullOrWhiteSpace(Agent))
        {
            if (Guid.TryParse(Agent, out var id))
            {
                agent = id;
            }
            else
            {
                errors["agent"] = ["Must be an agent id."];
            }
        }

        if (!string.IsNullOrWhiteSpace(Decision) && !AgentCallFilter.Decisions.Contains(Decision))
        {
            errors["decision"] = [$"Must be one of: {string.Join(", ", AgentCallFilter.Decisions)}."];
        }

        var from = ParseTime(From, "from", endOfDay: false, errors);
        var to = ParseTime(To, "to", endOfDay: true, errors);
        return errors.Count > 0
            ? (null, errors)
            : (new AgentCallFilter(agent, Blank(EndUser), Blank(Integration), Blank(Decision), from, to), errors);
    }

    /// <summary><c>?agent=…&amp;decision=…</c> with the parts that are set (empty when none is).</summary>
    public string ToQueryString()
    {
        var query = new QueryBuilder();
        foreach (var (name, value) in new[] { ("agent", Agent), ("end_user", EndUser), ("integration", Integration), ("decision", Decision), ("from", From), ("to", To) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(name, value);
            }
        }

        return query.ToString();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? ParseTime(string? value, string name, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            // A day "to" includes that whole day.
            return new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }

        errors[name] = [$"Must be a day ({DayFormat}) or an ISO 8601 time."];
        return null;
    }
}
