using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace CybrLink.Web.Infrastructure;

/// <summary>
/// Escapes characters that could forge or disguise log lines in every string a log event carries: line breaks and
/// other C0/C1 controls (ANSI escapes start with ESC), bidi overrides and isolates, zero-width and separator characters.
/// </summary>
/// <remarks>
/// Note: request paths, ids, names and header-derived values are chosen by whoever sends the request. Unescaped, a
/// <c>%0a</c> in a path starts a new, official-looking line in the text log (a fake "setup code" was produced this
/// way) and an ESC rewrites the operator's terminal. Escaping the values (not the rendered line) keeps text and
/// JSON output, and every other sink, equally safe; the message templates are CybrLink's own text.
/// </remarks>
public sealed class LogValueEscaper : ILogEventEnricher
{
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(BuildSuspicious());

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var escaped = Escape(value);
            if (!ReferenceEquals(escaped, value))
            {
                (replaced ??= []).Add(new LogEventProperty(name, escaped));
            }
        }

        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The text with every suspicious character written as a visible escape (<c>\n</c>, <c>\u001B</c>).</summary>
    public static string EscapeText(string text)
    {
        var first = text.AsSpan().IndexOfAny(Suspicious);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!Suspicious.Contains(c))
            {
                builder.Append(c);
                continue;
            }

            builder.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:X4}"),
            });
        }

        return builder.ToString();
    }

    private static LogEventPropertyValue Escape(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => EscapeScalar(value, text),
        // Anything else captured as a scalar renders through ToString() (PathString, Uri, ...).
        ScalarValue { Value: not null and not ValueType } scalar => EscapeScalar(value, scalar.Value.ToString() ?? ""),
        SequenceValue sequence => EscapeAll(sequence.Elements, out var elements) ? new SequenceValue(elements) : value,
        StructureValue structure => EscapeStructure(structure),
        DictionaryValue dictionary => EscapeDictionary(dictionary),
        _ => value,
    };

    private static LogEventPropertyValue EscapeScalar(LogEventPropertyValue original, string text)
    {
        var escaped = EscapeText(text);
        return ReferenceEquals(escaped, text) ? original : new ScalarValue(escaped);
    }

    private static bool EscapeAll(IReadOnlyList<LogEventPropertyValue> values, out List<LogEventPropertyValue> escaped)
    {
        escaped = new List<LogEventPropertyValue>(values.Count);
        var changed = false;
        foreach (var item in values)
        {
            var result = Escape(item);
            changed |= !ReferenceEquals(result, item);
            escaped.Add(result);
        }

        return changed;
    }

    private static LogEventPropertyValue EscapeStructure(StructureValue structure)
    {
        var changed = false;
        var properties = new List<LogEventProperty>(structure.Properties.Count);
        foreach (var property in structure.Properties)
        {
            var result = Escape(property.Value);
            changed |= !ReferenceEquals(result, property.Value);
            properties.Add(ReferenceEquals(result, property.Value) ? property : new LogEventProperty(property.Name, result));
        }

        return changed ? new StructureValue(properties, structure.TypeTag) : structure;
    }

    private static LogEventPropertyValue EscapeDictionary(DictionaryValue dictionary)
    {
        var changed = false;
        var elements = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>(dictionary.Elements.Count);
        foreach (var (key, item) in dictionary.Elements)
        {
            var escapedKey = (ScalarValue)Escape(key);
            var escapedItem = Escape(item);
            changed |= !ReferenceEquals(escapedKey, key) || !ReferenceEquals(escapedItem, item);
            elements.Add(new(escapedKey, escapedItem));
        }

        return changed ? new DictionaryValue(elements) : dictionary;
    }

    private static string BuildSuspicious()
    {
        var chars = new StringBuilder();
        for (var c = '\u0000'; c <= '\u001F'; c++)
        {
            chars.Append(c);
        }

        for (var c = '\u007F'; c <= '\u009F'; c++)
        {
            chars.Append(c);
        }

        // Arabic letter mark, zero-width space/joiners and directional marks, line and paragraph separators,
        // bidi embeddings and overrides, word joiner and invisible operators, bidi isolates, byte-order mark.
        chars.Append('\u061C').Append("\u200B\u200C\u200D\u200E\u200F").Append("\u2028\u2029")
            .Append("\u202A\u202B\u202C\u202D\u202E").Append("\u2060\u2061\u2062\u2063\u2064")
            .Append("\u2066\u2067\u2068\u2069").Append('\uFEFF');
        return chars.ToString();
    }
}
