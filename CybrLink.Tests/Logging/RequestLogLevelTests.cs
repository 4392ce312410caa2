using System.Net;
using System.Net.Http.Json;
using CybrLink.Tests.Infrastructure;
using Serilog.Events;

namespace CybrLink.Tests.Logging;

/// <summary>The request log shows the status the client received; a refused request is not a server error.</summary>
public sealed class RequestLogLevelTests : SandboxedApp
{
    private static object Session(string integration, string? returnUrl) => new
    {
        end_user = new { id = "u-1", email = "ada@example.com" },
        integration,
        return_url = returnUrl,
    };

    [Theory]
    [InlineData("nope", null)]
    [InlineData("sandbox-mail", "https://evil.example.net/cb")]
    public async Task A_refused_connect_session_is_logged_as_422_information_without_a_stack_trace(string integration, string? returnUrl)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/connect-sessions", Session(integration, returnUrl));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var line = await WaitForRequestLineAsync("POST", "/api/v1/connect-sessions");
        Assert.StartsWith("Information HTTP \"POST\" \"/api/v1/connect-sessions\" responded 422", line);
        AssertNoErrors();
    }

    [Fact]
    public async Task An_unknown_session_is_logged_as_404_information()
    {
        var path = $"/api/v1/connect-sessions/{Guid.NewGuid()}";
        using var response = await Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var line = await WaitForRequestLineAsync("GET", path);
        Assert.StartsWith($"Information HTTP \"GET\" \"{path}\" responded 404", line);
        AssertNoErrors();
    }

    private void AssertNoErrors()
    {
        Assert.DoesNotContain(App.Logs.Lines, l => l.StartsWith(nameof(LogEventLevel.Error), StringComparison.Ordinal));
        Assert.DoesNotContain(App.Logs.Lines, l => l.StartsWith(nameof(LogEventLevel.Fatal), StringComparison.Ordinal));
        Assert.DoesNotContain("responded 500", App.Logs.All);
        // A stack trace has "   at Namespace.Type.Method(...)" lines.
        Assert.DoesNotContain("   at ", App.Logs.All);
    }

    // The request line is written when the pipeline unwinds, which can be just after the client has its answer.
    private Task<string> WaitForRequestLineAsync(string method, string path) =>
        App.Logs.WaitForLineAsync(l => l.Contains($"HTTP \"{method}\" \"{path}\" responded", StringComparison.Ordinal));
}
