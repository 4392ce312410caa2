using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace CybrLink.E2E.Pages;

/// <summary>Collects what Chromium reports on the console about Content Security Policy violations on a page.</summary>
public sealed class CspWatch
{
    private readonly ConcurrentQueue<string> _violations = new();

    public CspWatch(IPage page) =>
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _violations.Enqueue($"{message.Location}: {message.Text}");
            }
        };

    public IReadOnlyList<string> Violations => [.. _violations];

    public void AssertNone() => Assert.True(_violations.IsEmpty, string.Join('\n', _violations));
}
