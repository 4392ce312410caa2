using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace CybrLink.Tests.Infrastructure;

/// <summary>Every log event the app wrote, rendered, so tests can read it (setup code) or scan it (no secrets).</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _lines.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} {properties} {logEvent.Exception}");
        _arrived.Release();
    }

    /// <summary>The first line that matches, waiting for new lines up to a deadline (request lines follow the answer).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No matching log line was written: {All}");
            }
        }
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public string All => string.Join('\n', _lines);
}
