using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Connect;

/// <summary>Pressing Connect on the consent page records what the person was shown, in their language.</summary>
public class ConsentRecordTests : SandboxedApp
{
    [Fact]
    public async Task Pressing_connect_records_when_and_the_wording_exactly_as_the_page_rendered_it()
    {
        var created = await CreateConnectSessionAsync(new
        {
            end_user = new { id = "u-consent", email = "ada@example.com", display_name = "Ada" },
            integration = "sandbox-mail",
            locale = "fr",
        });
        var sessionId = created.GetProperty("id").GetGuid();
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.GetAsync($"/connect?session={created.GetProperty("token").GetString()}");
        var html = await browser.GetStringAsync("/connect");
        var page = new HtmlParser().ParseDocument(html);
        var section = page.GetElementById("grant-heading")!.ParentElement!;
        var shown = string.Join('\n', section.Children.Select(e => e.TextContent.Trim()));
        Assert.StartsWith("Ce que", shown, StringComparison.Ordinal); // French, as the session asked
        Assert.Null(await ConsentedAtAsync(sessionId)); // opening the page is not consenting

        var config = JsonDocument.Parse(page.GetElementById("connect-form")!.GetAttribute("data-config")!).RootElement.GetProperty("antiforgery");
        using var start = new HttpRequestMessage(HttpMethod.Post, "/connect/start") { Content = JsonContent.Create(new { }) };
        start.Headers.Add(config.GetProperty("header").GetString()!, config.GetProperty("token").GetString());
        using var response = await browser.SendAsync(start);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        var session = await db.ConnectSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
        Assert.Equal(Clock.GetUtcNow(), session.ConsentedAt);
        Assert.Equal("Sandbox Mail", session.ConsentIntegrationName);
        Assert.Equal(section.Children[1].TextContent.Trim(), session.ConsentScopesText);
        Assert.Equal(shown, session.ConsentWording);
        Assert.Equal("fr", session.ConsentLocale);
    }

    private async Task<DateTimeOffset?> ConsentedAtAsync(Guid sessionId)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        return await db.ConnectSessions.Where(s => s.Id == sessionId).Select(s => s.ConsentedAt).SingleAsync();
    }
}
