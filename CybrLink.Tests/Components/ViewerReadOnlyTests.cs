using Bunit;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.ServerKeys;
using CybrLink.Tests.Nango;
using CybrLink.Web.Console.Catalog;
using CybrLink.Web.Console.ServerKeys;
using CybrLink.Web.Console.Shared;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CybrLink.Tests.Components;

/// <summary>Server keys and Catalog for a Viewer: everything shown, nothing to change, and a forced change refused.</summary>
public sealed class ViewerReadOnlyTests : ConsoleComponentTest
{
    private readonly NangoClientFixture _nango = new();

    public ViewerReadOnlyTests()
    {
        UseDatabase();
        Services.AddScoped<ServerKeyService>();
        Services.AddSingleton<ILogger<CatalogService>>(NullLogger<CatalogService>.Instance);
        Services.AddSingleton(_nango.Api);
        Services.AddSingleton<CatalogMisses>();
        Services.AddScoped<CatalogService>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<ServerKeyService>().CreateAsync("production backend", "tests");
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

    [Fact]
    public void A_viewer_sees_the_server_keys_but_no_form_and_no_revoke()
    {
        SignInAsViewer();

        var page = Render<ServerKeysPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Contains("production backend", page.Find("tbody").TextContent);
        Assert.Empty(page.FindAll("form"));
        Assert.Empty(page.FindAll("button"));
    }

    [Fact]
    public async Task An_admin_turned_viewer_after_render_cannot_create_a_server_key()
    {
        SignInAsAdmin();
        var page = Render<ServerKeysPage>();
        page.WaitForAssertion(() => page.Find("form"));
        page.Find("input").Change("made by a viewer");
        var form = page.FindComponent<EditForm>().Instance;

        SignInAsViewer("admin@example.com");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("form")));
        await page.InvokeAsync(() => form.OnValidSubmit.InvokeAsync(form.EditContext));

        Assert.Single(await Services.GetRequiredService<ServerKeyService>().ListAsync());
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == OperatorGate.RefusedMessage);
        await using var db = await OpenDatabaseAsync();
        var denied = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.OperatorDenied);
        Assert.Equal(("admin@example.com", "server_key"), (denied.ActorId, denied.TargetType));
    }

    [Fact]
    public void A_viewer_sees_which_integrations_are_offered_but_no_switch_edit_or_refresh()
    {
        SignInAsViewer();

        var page = Render<CatalogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        Assert.Contains("Offered", page.FindAll("tbody tr").Single(r => r.TextContent.Contains("Sandbox Mail")).TextContent);
        Assert.Contains("Not offered", page.FindAll("tbody tr").Single(r => r.TextContent.Contains("Sandbox CRM")).TextContent);
        Assert.Empty(page.FindComponents<MudSwitch<bool>>());
        Assert.Empty(page.FindAll("button"));
        Assert.Empty(_nango.Nango.Sent);
    }

    [Fact]
    public async Task An_admin_turned_viewer_after_render_cannot_switch_an_integration_off()
    {
        SignInAsAdmin();
        var page = Render<CatalogPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindComponents<MudSwitch<bool>>().Count));
        var mail = page.FindComponents<MudSwitch<bool>>()
            .Single(s => (string?)s.Instance.UserAttributes["aria-label"] == "Offer Sandbox Mail").Instance.ValueChanged;

        SignInAsViewer("admin@example.com");
        page.WaitForAssertion(() => Assert.Empty(page.FindComponents<MudSwitch<bool>>()));
        await page.InvokeAsync(() => mail.InvokeAsync(false));

        await using var scope = Services.CreateAsyncScope();
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<CatalogService>().FindOfferedAsync("sandbox-mail"));
        await using var db = await OpenDatabaseAsync();
        var denied = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.OperatorDenied);
        Assert.Equal(("integration", "sandbox-mail"), (denied.TargetType, denied.TargetId));
    }
}
