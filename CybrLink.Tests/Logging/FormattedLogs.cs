using System.Collections.Concurrent;
using CybrLink.Web.Infrastructure;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace CybrLink.Tests.Logging;

/// <summary>The log exactly as an operator reads it: the console's text lines and its JSON lines.</summary>
public sealed class FormattedLogs : ILogEventSink
{
    private readonly ITextFormatter _text = new MessageTemplateTextFormatter(LoggingSetup.TextTemplate);
    private readonly ITextFormatter _json = new RenderedCompactJsonFormatter();
    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Lock _gate = new();
    private string _textOutput = "";
    private string _jsonOutput = "";

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        using var json = new StringWriter();
        _text.Format(logEvent, text);
        _json.Format(logEvent, json);
        lock (_gate)
        {
            _textOutput += text;
            _jsonOutput += json;
        }

        _events.Enqueue(logEvent);
        _arrived.Release();
    }

    public string Text
    {
        get { lock (_gate) { return _textOutput; } }
    }

    public string Json
    {
        get { lock (_gate) { return _jsonOutput; } }
    }

    public IReadOnlyList<LogEvent> Events => [.. _events];

    /// <summary>The first event that matches, waiting for it up to a deadline (request lines are written after the answer).</summary>
    public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _events.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException("No matching log event was written.");
            }
        }
    }

    /// <summary>The request log's line for a path, as the request log middleware wrote it.</summary>
    public Task<LogEvent> RequestLineAsync(string method, string path) =>
        WaitForAsync(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)
            && e.Properties.TryGetValue("RequestMethod", out var m) && m is ScalarValue { Value: string mv } && mv == method
            && e.Properties.TryGetValue("RequestPath", out var p) && p is ScalarValue { Value: string pv } && pv == path);
}
