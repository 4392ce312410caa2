using CybrLink.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>
/// What <c>/connect/start</c> may answer besides success: Nango's rate limit passed on as 503 <c>nango_busy</c> with
/// Retry-After (a wait, never a failure), and a 422 in the API's <c>errors</c> shape (the field is marked).
/// The answers are played by the browser's router, so the page's side of the contract is tested on its own.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class StartAnswersTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private async Task<ConnectUiPage> OpenCrmAsync(Func<IRoute, int, Task> answerStart)
    {
        var session = await fx.CreateSessionAsync("sandbox-crm");
        var page = await _context.NewPageAsync();
        var calls = 0;
        await page.RouteAsync("**/connect/start", route => answerStart(route, Interlocked.Increment(ref calls)));
        var connect = new ConnectUiPage(page);
        await connect.RecordStatusTextsAsync();
        await connect.OpenAsync(session.ConnectUrl);
        await page.GetByLabel("Subdomain").FillAsync("acme");
        var apiKey = fx.NewSecret();
        fx.TypedSecrets.Add(apiKey);
        await page.GetByLabel("API Key").FillAsync(apiKey);
        await Expect(connect.ConnectButton).ToBeEnabledAsync();
        return connect;
    }

    [Fact]
    public async Task Nango_busy_shows_a_calm_wait_retries_after_retry_after_and_then_connects()
    {
        var connect = await OpenCrmAsync((route, call) => call == 1
            ? route.FulfillAsync(new()
            {
                Status = 503,
                ContentType = "application/problem+json",
                Headers = new Dictionary<string, string> { ["Retry-After"] = "2" },
                Body = """{"status":503,"title":"The connection service is busy.","code":"nango_busy"}""",
            })
            : route.ContinueAsync());

        await connect.ConnectButton.ClickAsync();

        await Expect(connect.Status).ToHaveTextAsync("This is taking longer than usual…");
        await connect.ExpectConnectedAsync();
        var shown = await connect.StatusTextsAsync();
        Assert.DoesNotContain(shown, t => t.Contains("not available", StringComparison.Ordinal) || t.Contains("did not finish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_422_in_the_api_shape_marks_the_field_named_by_the_first_key_of_errors()
    {
        var connect = await OpenCrmAsync((route, _) => route.FulfillAsync(new()
        {
            Status = 422,
            ContentType = "application/problem+json",
            Body = """{"status":422,"title":"A field cannot be accepted.","code":"validation_failed","errors":{"subdomain":["Unknown account."]}}""",
        }));

        await connect.ConnectButton.ClickAsync();

        var subdomain = connect.Page.GetByLabel("Subdomain");
        await Expect(subdomain).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(connect.Page.Locator("#field-subdomain-error")).ToHaveTextAsync("Check this value.");
        await Expect(subdomain).ToBeFocusedAsync();
        await Expect(connect.ConnectButton).ToBeEnabledAsync();
    }
}
