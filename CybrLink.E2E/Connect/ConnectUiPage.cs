using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CybrLink.E2E.Connect;

/// <summary>The Connect page as an end user sees it (English locators; other languages use ids).</summary>
public sealed class ConnectUiPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
    public ILocator ConnectButton => Page.Locator("#connect-button");
    public ILocator Status => Page.GetByRole(AriaRole.Status);
    public ILocator NewTabLink => Page.GetByRole(AriaRole.Link, new() { Name = "Continue in a new tab" });
    public ILocator StartAgain => Page.GetByRole(AriaRole.Button, new() { Name = "Start again" });

    /// <summary>Records every text the status line shows, so a test can prove an error never flashed by.</summary>
    public Task RecordStatusTextsAsync() => Page.AddInitScriptAsync("""
        window.__statusTexts = [];
        document.addEventListener('DOMContentLoaded', () => {
          const status = document.getElementById('connect-status');
          if (!status) return;
          new MutationObserver(() => window.__statusTexts.push(status.textContent.trim()))
            .observe(status, { childList: true, characterData: true, subtree: true });
        });
        """);

    public Task<string[]> StatusTextsAsync() => Page.EvaluateAsync<string[]>("window.__statusTexts");

    public async Task<IResponse?> OpenAsync(string connectUrl)
    {
        var response = await Page.GotoAsync(connectUrl);
        return response;
    }

    /// <summary>Clicks Connect and returns the OAuth popup (opened synchronously in the click).</summary>
    public async Task<IPage> ConnectInPopupAsync()
    {
        await Expect(ConnectButton).ToBeEnabledAsync();
        return await Page.RunAndWaitForPopupAsync(() => ConnectButton.ClickAsync());
    }

    public static async Task DecideAsync(IPage popup, string decision)
    {
        await Expect(popup.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Sign in to ") })).ToBeVisibleAsync();
        await popup.GetByRole(AriaRole.Button, new() { Name = decision }).ClickAsync();
    }

    public Task ExpectConnectedAsync() =>
        Expect(Status).ToContainTextAsync(new Regex("is connected"));
}
