using Bunit;
using CybrLink.Core.ServerKeys;
using CybrLink.Web.Console.ServerKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Components;

public sealed class ServerKeysPageTests : ConsoleComponentTest
{
    public ServerKeysPageTests()
    {
        UseDatabase();
        SignInAsAdmin();
        Services.AddScoped<ServerKeyService>();
    }

    private ServerKeyService Keys => Services.GetRequiredService<ServerKeyService>();

    [Fact]
    public async Task Last_used_says_never_for_a_key_never_used_and_the_time_for_one_that_was()
    {
        await Keys.CreateAsync("fresh backend", "tests");
        var used = await Keys.CreateAsync("busy backend", "tests");
        await using (var db = await OpenDatabaseAsync())
        {
            await db.ServerKeys.Where(k => k.Id == used.Key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, new DateTimeOffset(2026, 3, 14, 8, 15, 0, TimeSpan.Zero)));
        }

        var page = Render<ServerKeysPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        Assert.Equal("never", LastUsedCell(page, "fresh backend"));
        Assert.Equal("2026-03-14 08:15 UTC", LastUsedCell(page, "busy backend"));
    }

    [Fact]
    public void After_a_key_is_created_the_form_is_empty_and_shows_no_validation_message()
    {
        var page = Render<ServerKeysPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=no-keys]"));

        page.Find("input").Change("ci backend");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("ci backend", page.Find("[data-testid=new-key]").TextContent));
        Assert.StartsWith("cbl_", page.Find("#new-key-value").GetAttribute("value"));
        var name = page.Find("form input");
        Assert.True(string.IsNullOrEmpty(name.GetAttribute("value")));
        Assert.DoesNotContain("Give the key a name.", page.Markup);
        Assert.Empty(page.FindAll("form .mud-input-error"));
    }

    [Fact]
    public void Submitting_without_a_name_asks_for_one()
    {
        var page = Render<ServerKeysPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=no-keys]"));

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Give the key a name.", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=new-key]"));
    }

    private static string LastUsedCell(IRenderedComponent<ServerKeysPage> page, string keyName) =>
        page.FindAll("tbody tr").Single(r => r.TextContent.Contains(keyName))
            .QuerySelector("td[data-label='Last used']")!.TextContent.Trim();
}
