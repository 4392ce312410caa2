using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CybrLink.E2E.Pages;

/// <summary>axe-core, run on the page as it is now: no serious or critical violation is allowed.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        await ConsoleScheme.WaitUntilAppliedAsync(page);
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe on {what}:\n" + string.Join('\n', serious.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Impact} {v.Id}: {v.Help} at " + string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)));
}

/// <summary>
/// Screenshots the README shows, written by the E2E suite into <c>docs/screenshots/</c> of the repository so they
/// stay current with the console.
/// </summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        await ConsoleScheme.WaitUntilAppliedAsync(page);
        var directory = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = false });
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CybrLink.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CybrLink.sln not found above the test binaries.");
    }
}

/// <summary>
/// The console applies the light/dark choice (the stored one, else the system's) once its circuit is up: checks and
/// pictures of a dark page must wait for it, or they see the light one.
/// </summary>
public static class ConsoleScheme
{
    public static Task WaitUntilAppliedAsync(IPage page) => page.WaitForFunctionAsync(
        """
        () => {
          if (!document.querySelector('.mud-layout')) return true;
          const cookie = document.cookie;
          const wantDark = cookie.includes('cybrlink.theme=dark')
            || (!cookie.includes('cybrlink.theme=light') && matchMedia('(prefers-color-scheme: dark)').matches);
          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
          return ((0.2126 * r + 0.7152 * g + 0.0722 * b) < 100) === wantDark;
        }
        """);
}
