using System.Net;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CybrLink.Tests.Logging;

/// <summary>Whoever sends a request chooses its path: it must not be able to write lines of its own into the log.</summary>
public sealed class LogForgeryTests : IAsyncLifetime
{
    private const string Esc = "\u001b";
    private readonly FormattedLogs _logs = new();
    private readonly CybrLinkAppFactory _app;

    public LogForgeryTests() =>
        _app = new CybrLinkAppFactory(configureServices: services => services.AddSingleton<ILogEventSink>(_logs));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_line_break_in_the_path_cannot_start_a_forged_line()
    {
        using var response = await _app.CreateClient().GetAsync("/x%0aFAKE%20setup%20code");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // The request is logged, with the break visible as an escape on the same line.
        var line = await _logs.RequestLineAsync("GET", @"/x\nFAKE setup code");
        Assert.Equal(404, ((ScalarValue)line.Properties["StatusCode"]).Value);
        Assert.Contains(@"HTTP GET /x\nFAKE setup code responded 404", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Text.Split('\n'), l => l.StartsWith("FAKE", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Json.Split('\n'), l => l.StartsWith("FAKE", StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Logs.All.Split('\n'), l => l.StartsWith("FAKE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Terminal_escapes_in_the_path_reach_the_log_only_escaped()
    {
        using var response = await _app.CreateClient().GetAsync("/x%1b[31m");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await _logs.RequestLineAsync("GET", @"/x\u001B[31m");
        // Ordinal: a culture-aware search ignores control characters and "finds" ESC everywhere.
        Assert.DoesNotContain(Esc, _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Esc, _logs.Json, StringComparison.Ordinal);
        Assert.DoesNotContain(Esc, _app.Logs.All, StringComparison.Ordinal);
        Assert.Contains(@"/x\u001B[31m", _logs.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain /path-ok", "plain /path-ok")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("bell\u0007 del\u007f nel\u0085", @"bell\u0007 del\u007F nel\u0085")]
    [InlineData("admin\u202Etxt.exe", @"admin\u202Etxt.exe")]
    [InlineData("iso\u2066late\u2069 zw\u200Bsp bom\uFEFF ls\u2028", @"iso\u2066late\u2069 zw\u200Bsp bom\uFEFF ls\u2028")]
    [InlineData("grüße 日本 🙂", "grüße 日本 🙂")]
    public void Control_bidi_and_invisible_characters_are_written_as_escapes(string value, string logged) =>
        Assert.Equal(logged, LogValueEscaper.EscapeText(value));

    [Fact]
    public void Nested_values_are_escaped_too()
    {
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, MessageTemplate.Empty,
        [
            new LogEventProperty("Names", new SequenceValue([new ScalarValue("a\nb")])),
            new LogEventProperty("User", new StructureValue([new LogEventProperty("Name", new ScalarValue("c\u001bd"))])),
            new LogEventProperty("Headers", new DictionaryValue([new(new ScalarValue("k\n"), new ScalarValue("v\r"))])),
            new LogEventProperty("Uri", new ScalarValue(new Uri("http://h/a\u202Eb"))),
            new LogEventProperty("Count", new ScalarValue(3)),
        ]);

        new LogValueEscaper().Enrich(logEvent, null!);

        var rendered = string.Join(" ", logEvent.Properties.Values.Select(v => v.ToString()));
        Assert.Contains(@"a\nb", rendered);
        Assert.Contains(@"c\u001Bd", rendered);
        Assert.Contains(@"k\n", rendered);
        Assert.Contains(@"v\r", rendered);
        Assert.DoesNotContain(rendered, c => char.IsControl(c) || c == '\u202E');
        Assert.Equal(3, ((ScalarValue)logEvent.Properties["Count"]).Value);
    }
}
