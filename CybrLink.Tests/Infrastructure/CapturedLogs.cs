using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace CybrLink.Tests.Infrastructure;

/// <summary>Every log event the app wrote, rendered, so tests can read it (setup code) or scan it (no secrets).</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _lines.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} {properties} {logEvent.Exception}");
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public string All => string.Join('\n', _lines);
}
