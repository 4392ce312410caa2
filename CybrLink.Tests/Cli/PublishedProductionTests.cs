using System.Diagnostics;
using System.Net;

namespace CybrLink.Tests.Cli;

/// <summary>The published build in Production, as the README runs it: the Connect UI with its assets, and 404s not 500s.</summary>
public sealed class PublishedProductionTests(PublishedAppFixture published) : IClassFixture<PublishedAppFixture>
{
    [Fact]
    public async Task The_published_build_serves_the_connect_ui_with_its_stylesheet_and_script_and_404s_missing_files()
    {
        using var process = published.Start(ProcessTests.ProductionSettings(("Nango__BackgroundSync", "false")), out var baseUrl);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl };
            await WaitUntilLiveAsync(process, http, stderr);

            var page = await http.GetAsync("/connect");
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode); // no session cookie: the "link not found" notice
            Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString());

            // Every stylesheet the page links (MudBlazor's and the Connect UI's), and the consent page's module.
            var stylesheets = Links(html, "<link rel=\"stylesheet\" href=\"").ToList();
            Assert.Contains("/connect/connect.css", stylesheets);
            var assets = stylesheets.Select(href => (href, "text/css")).Append(("/connect/connect.js", "javascript"));
            foreach (var (asset, type) in assets)
            {
                var response = await http.GetAsync(asset);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
                Assert.Contains(type, response.Content.Headers.ContentType?.ToString());
                Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, $"{asset} is empty");
            }

            foreach (var missing in new[] { "/connect/nope.css", "/_content/x.js", "/favicon-nope.png", "/connect/connect.js.map.nope" })
            {
                var response = await http.GetAsync(missing);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{missing} answered {(int)response.StatusCode}");
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.DoesNotContain("   at ", await stderr);
    }

    private static IEnumerable<string> Links(string html, string prefix)
    {
        for (var at = html.IndexOf(prefix, StringComparison.Ordinal); at >= 0; at = html.IndexOf(prefix, at + 1, StringComparison.Ordinal))
        {
            var start = at + prefix.Length;
            yield return html[start..html.IndexOf('"', start)];
        }
    }

    private static async Task WaitUntilLiveAsync(Process process, HttpClient http, Task<string> stderr)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            if (process.HasExited)
            {
                Assert.Fail("CybrLink exited: " + await stderr);
            }

            try
            {
                if ((await http.GetAsync("/health/live", deadline.Token)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }
    }
}
