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

    // The request line is written when the pipeline unwinds, which can be just after the client has its answer.
    private Task<string> WaitForLineAsync(string text) =>
        _app.Logs.WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal));
}
