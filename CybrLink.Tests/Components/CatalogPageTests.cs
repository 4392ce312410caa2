using Bunit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using CybrLink.Tests.Nango;
using CybrLink.Web.Console.Catalog;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;

namespace CybrLink.Tests.Components;

/// <summary>The console's catalog page over a real SQLite database; Nango is the recorded edge (not called here).</summary>
public sealed class CatalogPageTests : BunitContext, IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"cybrlink-catalog-{Guid.NewGuid():N}.db");
    private readonly NangoClientFixture _nango = new();

    public CatalogPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddDbContextFactory<CybrLinkDbContext>(o => o.UseSqlite($"Data Source={_db}"));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ILogger<CatalogService>>(NullLogger<CatalogService>.Instance);
        Services.AddSingleton(_nango.Api);
        Services.AddSingleton<CatalogMisses>();
        Services.AddScoped<CatalogService>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task InitializeAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        db.Integrations.AddRange(
            new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" },
            new CatalogIntegration { Key = "sandbox-crm", Provider = "sandbox-crm", DisplayName = "Sandbox CRM", AuthMode = "API_KEY", Enabled = false });
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _nango.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }

    [Fact]
    public void Lists_every_integration_with_its_enabled_state()
    {
        var page = Render<CatalogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        Assert.Contains("Sandbox CRM", page.Markup);
        Assert.Contains("API_KEY", page.Markup);
        Assert.Empty(_nango.Nango.Sent);
    }

    [Fact]
    public async Task Switching_an_integration_off_stops_it_being_offered()
    {
        var page = Render<CatalogPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));

        var mailSwitch = page.FindComponents<MudSwitch<bool>>().Single(s => (string?)s.Instance.UserAttributes?["aria-label"] == "Offer Sandbox Mail");
        await page.InvokeAsync(() => mailSwitch.Instance.ValueChanged.InvokeAsync(false));

        await using var scope = Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        Assert.Null(await catalog.FindOfferedAsync("sandbox-mail"));
        Assert.Empty(await catalog.ListAsync(enabledOnly: true));
    }
}
