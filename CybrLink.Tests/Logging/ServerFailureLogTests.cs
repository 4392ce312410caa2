using System.Net;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Logging;

/// <summary>A failure of this server (Nango unreachable) is an error: logged once with its cause, and as the 503 it was.</summary>
public sealed class ServerFailureLogTests : IAsyncLifetime
{
    // The factory's Nango is a closed port.
    private readonly CybrLinkAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Nango_down_is_logged_as_an_error_once_with_its_stack_trace_and_as_the_503_the_client_got()
    {
        using var client = _app.CreateClientWithKey(await _app.CreateServerKeyAsync());

        using var response = await client.PostAsync("/api/v1/integrations/refresh", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var requestLine = await WaitForLineAsync("HTTP \"POST\" \"/api/v1/integrations/refresh\" responded 503");
        Assert.StartsWith("Error ", requestLine);
        // One error line carries the exception (CybrLinkExceptionHandler's); the framework adds no second one.
        var failure = Assert.Single(_app.Logs.Lines, l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("   at ", StringComparison.Ordinal));
        Assert.Contains("Request \"POST\" \"/api/v1/integrations/refresh\" failed", failure);
        Assert.Contains("NangoUnavailableException", failure);
        Assert.DoesNotContain("responded 500", _app.Logs.All);
    }

    private async Task<string> WaitForLineAsync(string text)
    {
        // The request line is written when the pipeline unwinds, which can be just after the client has its answer.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var line = _app.Logs.Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No log line with {text}: {_app.Logs.All}");
    }
}
