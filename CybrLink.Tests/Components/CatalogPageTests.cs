using Bunit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Tests.Nango;
using CybrLink.Web.Console.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CybrLink.Tests.Components;

/// <summary>The console's catalog page over a real SQLite database; Nango is the recorded edge (not called here).</summary>
public sealed class CatalogPageTests : ConsoleComponentTest
{
    private readonly NangoClientFixture _nango = new();

    public CatalogPageTests()
    {
        UseDatabase();
        SignInAsAdmin();
        Services.AddSingleton<ILogger<CatalogService>>(NullLogger<CatalogService>.Instance);
        Services.AddSingleton(_nango.Api);
        Services.AddSingleton<CatalogMisses>();
        Services.AddScoped<CatalogService>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await OpenDatabaseAsync();
        db.Integrations.AddRange(
            new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" },
            new CatalogIntegration { Key = "sandbox-crm", Provider = "sandbox-crm", DisplayName = "Sandbox CRM", AuthMode = "API_KEY", Enabled = false });
        await db.SaveChangesAsync();
    }

    protected override void Dispose(bool disposing)
    {
        _nango.Dispose();
        base.Dispose(disposing);
    }

    private static IRenderedComponent<MudSwitch<bool>> SwitchFor(IRenderedComponent<CatalogPage> page, string displayName) =>
        page.FindComponents<MudSwitch<bool>>().Single(s => (string?)s.Instance.UserAttributes?["aria-label"] == $"Offer {displayName}");

    [Fact]
    public void Lists_every_integration_with_its_enabled_state()
    {
        var page = Render<CatalogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var crm = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("Sandbox CRM"));
        Assert.Contains("API_KEY", crm.TextContent);
        // What the operator sees: the checkbox behind each switch, on for Mail, off for CRM.
        Assert.True(SwitchFor(page, "Sandbox Mail").Find("input[type=checkbox]").HasAttribute("checked"));
        Assert.False(SwitchFor(page, "Sandbox CRM").Find("input[type=checkbox]").HasAttribute("checked"));
        Assert.Empty(_nango.Nango.Sent);
    }

    [Fact]
    public async Task Switching_an_integration_off_stops_it_being_offered()
    {
        var page = Render<CatalogPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));

        var mailSwitch = SwitchFor(page, "Sandbox Mail");
        await page.InvokeAsync(() => mailSwitch.Instance.ValueChanged.InvokeAsync(false));

        await using var scope = Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        Assert.Null(await catalog.FindOfferedAsync("sandbox-mail"));
        Assert.Empty(await catalog.ListAsync(enabledOnly: true));
        page.WaitForAssertion(() => Assert.False(SwitchFor(page, "Sandbox Mail").Find("input[type=checkbox]").HasAttribute("checked")));
    }
}
