using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.E2E.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>
/// Real providers' consent pages (Linear, Stripe, Bluesky) send <c>Cross-Origin-Opener-Policy: same-origin</c>:
/// the Connect page then sees its popup as closed while the person still reads. It must wait calmly and end on
/// success, and a page showing an error must still turn to success when the server completes the session.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class CrossOriginOpenerTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private static readonly TimeSpan ReadingTime = TimeSpan.FromSeconds(8);

    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _context = await browser.NewContextAsync();
        fx.Sandbox.Options.WebhookUrl = fx.BaseUrl + "/api/v1/webhooks/nango";
    }

    public async Task DisposeAsync()
    {
        fx.Sandbox.Options.WebhookUrl = null;
        await fx.Sandbox.Control.ResetAsync();
        await _context.DisposeAsync();
    }

    [Fact]
    public async Task Consent_behind_COOP_approved_after_8_seconds_ends_on_success_and_completes_the_session_once()
    {
        // The person reads for 8 s, then approves (the consent page clicks by itself: no sleep in the test).
        await fx.Sandbox.Control.SetConsentAsync(crossOriginOpenerPolicy: true, approveAfter: ReadingTime);
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.RecordStatusTextsAsync();
        await connect.OpenAsync(session.ConnectUrl);

        var popup = await connect.ConnectInPopupAsync();
        await popup.WaitForURLAsync(url => url.Contains("/_provider/"));
        await Expect(popup.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Sign in to ") })).ToBeVisibleAsync();

        await Expect(connect.Status).ToHaveTextAsync("Sandbox Mail is connected. You can close this window.",
            new() { Timeout = 30_000 });
        await Expect(connect.StartAgain).ToBeHiddenAsync();

        // While the person read, the opener saw popup.closed = true: it waited calmly (with "Start again"), no error.
        var shown = await connect.StatusTextsAsync();
        Assert.Contains("Waiting for Sandbox Mail…", shown);
        Assert.DoesNotContain(shown, t => t.Contains("closed before", StringComparison.Ordinal) || t.Contains("did not finish", StringComparison.Ordinal));

        // Browser report and webhook both arrive; the session is completed once, with one connection.
        var recorded = await fx.GetSessionAsync(session.Id);
        Assert.Equal("completed", recorded.GetProperty("status").GetString());
        await WaitForWebhookDeliveredAsync(session.Id);
        await AssertCompletedOnceAsync(session.Id, recorded);
    }

    [Fact]
    public async Task Start_again_behind_COOP_opens_a_new_sign_in_window_that_completes()
    {
        await fx.Sandbox.Control.SetConsentAsync(crossOriginOpenerPolicy: true);
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);
        var first = await connect.ConnectInPopupAsync();
        await first.WaitForURLAsync(url => url.Contains("/_provider/"));

        // The person really closed it: "Start again" opens a fresh window in the same click.
        await first.CloseAsync();
        await Expect(connect.StartAgain).ToBeVisibleAsync();
        var second = await connect.Page.RunAndWaitForPopupAsync(() => connect.StartAgain.ClickAsync());
        await ConnectUiPage.DecideAsync(second, "Approve");

        await connect.ExpectConnectedAsync();
        var recorded = await fx.GetSessionAsync(session.Id);
        Assert.Equal("completed", recorded.GetProperty("status").GetString());
        await WaitForWebhookDeliveredAsync(session.Id);
        await AssertCompletedOnceAsync(session.Id, recorded);
    }

    [Fact]
    public async Task A_page_showing_an_error_turns_to_success_when_the_webhook_completes_the_session()
    {
        // The webhook waits until the page shows its error, so the order is the one this story is about.
        await fx.Sandbox.Control.HoldWebhooksAsync();
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var page = await _context.NewPageAsync();
        // Nango's success message is lost and an error arrives in its place; the connection exists all the same.
        await page.RouteWebSocketAsync(new Regex(".*"), ws =>
        {
            var server = ws.ConnectToServer();
            server.OnMessage(frame =>
            {
                var text = frame.Text ?? "";
                ws.Send(text.Contains("\"success\"", StringComparison.Ordinal)
                    ? """{"message_type":"error","provider_config_key":"sandbox-mail","error_type":"unknown_error","error_desc":"lost"}"""
                    : text);
            });
        });
        var connect = new ConnectUiPage(page);
        await connect.OpenAsync(session.ConnectUrl);

        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await Expect(connect.Status).ToHaveTextAsync("The connection did not finish. Please try again.");
        await WaitForLastErrorAsync(session.Id); // the page's failure report has landed; the session stays open

        await fx.Sandbox.Control.ReleaseWebhooksAsync();
        await Expect(connect.Status).ToHaveTextAsync("Sandbox Mail is connected. You can close this window.",
            new() { Timeout = 20_000 });
        await Expect(connect.ConnectButton).ToBeHiddenAsync();
        var recorded = await fx.GetSessionAsync(session.Id);
        Assert.Equal("completed", recorded.GetProperty("status").GetString());
        await AssertCompletedOnceAsync(session.Id, recorded);
    }

    private async Task AssertCompletedOnceAsync(Guid sessionId, JsonElement recorded)
    {
        Assert.Equal(1, (await fx.NangoConnectionsForAsync(sessionId)).GetArrayLength());
        await using var db = await fx.App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var connections = await db.Connections.AsNoTracking().Where(c => c.ConnectSessionId == sessionId).Select(c => c.Id).ToListAsync();
        Assert.Equal([recorded.GetProperty("connection_id").GetGuid()], connections);
        var target = sessionId.ToString();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionCompleted && e.TargetId == target));
    }

    private async Task WaitForLastErrorAsync(Guid sessionId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        JsonElement session;
        while ((session = await fx.GetSessionAsync(sessionId)).GetProperty("last_error").ValueKind != JsonValueKind.String)
        {
            await timer.WaitForNextTickAsync(deadline.Token);
        }

        Assert.Equal("opened", session.GetProperty("status").GetString());
    }

    // The webhook is delivered asynchronously, as Nango's: wait (with a deadline) until CybrLink has answered it.
    private async Task WaitForWebhookDeliveredAsync(Guid sessionId)
    {
        var nangoId = (await fx.NangoConnectionsForAsync(sessionId))[0].GetProperty("connection_id").GetString()!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            var deliveries = await fx.Sandbox.Control.GetWebhookDeliveriesAsync(deadline.Token);
            if (deliveries.Any(d => d.Body.Contains(nangoId, StringComparison.Ordinal) && d.Status is >= 200 and < 300))
            {
                return;
            }
        }
    }
}
