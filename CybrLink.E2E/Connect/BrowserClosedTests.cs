using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.E2E.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>
/// The end user consents, but the Connect tab is gone before it can report back: CybrLink still learns of the
/// connection, from Nango's webhook or, with webhooks off, from one reconciliation cycle.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class BrowserClosedTests(BrowserFixture browser, ConnectFixture fx) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync();

    public async Task DisposeAsync()
    {
        fx.Sandbox.Options.WebhookUrl = null;
        await _context.DisposeAsync();
    }

    [Fact]
    public async Task Consent_after_the_tab_closed_arrives_through_the_webhook()
    {
        fx.Sandbox.Options.WebhookUrl = fx.BaseUrl + "/api/v1/webhooks/nango";
        var session = await fx.CreateSessionAsync("sandbox-mail");

        await ConsentWithTheConnectTabClosedAsync(session);

        var completed = await WaitForStatusAsync(session.Id, "completed");
        Assert.False(string.IsNullOrEmpty(completed.GetProperty("connection_id").GetString()));
    }

    [Fact]
    public async Task Consent_after_the_tab_closed_with_webhooks_off_arrives_within_one_reconciliation_cycle()
    {
        var session = await fx.CreateSessionAsync("sandbox-mail");

        await ConsentWithTheConnectTabClosedAsync(session);
        Assert.Equal(1, (await fx.NangoConnectionsForAsync(session.Id)).GetArrayLength());
        Assert.Equal("opened", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());

        var report = await fx.App.Services.GetRequiredService<NangoSyncJob>().RunOnceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal("completed", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_blocked_popup_completes_through_polling_when_the_socket_never_reports()
    {
        fx.Sandbox.Options.WebhookUrl = fx.BaseUrl + "/api/v1/webhooks/nango";
        var session = await fx.CreateSessionAsync("sandbox-mail");
        var page = await _context.NewPageAsync();
        // The popup blocker's answer, and a network that loses Nango's success message: only polling can finish.
        await page.AddInitScriptAsync("window.open = () => null;");
        var droppedSuccess = false;
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex(".*"), ws =>
        {
            var server = ws.ConnectToServer();
            server.OnMessage(frame =>
            {
                if (frame.Text is { } text && !text.Contains("\"success\"", StringComparison.Ordinal))
                {
                    ws.Send(text);
                }
                else
                {
                    droppedSuccess = true;
                }
            });
        });
        var connect = new ConnectUiPage(page);
        await connect.OpenAsync(session.ConnectUrl);

        await Expect(connect.ConnectButton).ToBeEnabledAsync();
        await connect.ConnectButton.ClickAsync();
        var tab = await _context.RunAndWaitForPageAsync(() => connect.NewTabLink.ClickAsync());
        await ConnectUiPage.DecideAsync(tab, "Approve");

        await connect.ExpectConnectedAsync();
        Assert.True(droppedSuccess);
        Assert.Equal("completed", (await fx.GetSessionAsync(session.Id)).GetProperty("status").GetString());
    }

    private async Task ConsentWithTheConnectTabClosedAsync(CreatedSession session)
    {
        var connect = new ConnectUiPage(await _context.NewPageAsync());
        await connect.OpenAsync(session.ConnectUrl);
        var popup = await connect.ConnectInPopupAsync();
        // Committed is enough: the consent heading is awaited by DecideAsync; waiting for "load" raced slow machines.
        await popup.WaitForURLAsync(url => url.Contains("/_provider/"), new() { WaitUntil = WaitUntilState.Commit });

        // The end user closes the Connect tab, then approves in the popup that is still open.
        await connect.Page.CloseAsync();
        var closed = new TaskCompletionSource();
        popup.Close += (_, _) => closed.TrySetResult();
        await ConnectUiPage.DecideAsync(popup, "Approve");
        // Nango's callback page closes itself 500 ms after it loads when no opener acknowledges it: either is proof.
        var callback = popup.WaitForURLAsync(url => url.Contains("/oauth/callback"), new() { WaitUntil = WaitUntilState.Commit });
        if (await Task.WhenAny(closed.Task, callback) == callback && !popup.IsClosed)
        {
            await callback;
        }
    }

    // Waits on a condition with a deadline: the webhook is delivered asynchronously, as Nango's.
    private async Task<JsonElement> WaitForStatusAsync(Guid id, string status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            var session = await fx.GetSessionAsync(id);
            if (session.GetProperty("status").GetString() == status)
            {
                return session;
            }
        }

        throw new TimeoutException();
    }
}
