using Bunit;
using Bunit.Rendering;
using CybrLink.Core.Audit;
using CybrLink.Core.Operators;
using CybrLink.Web.Console.Operators;
using CybrLink.Web.Console.Shared;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CybrLink.Tests.Components.Operators;

/// <summary>The Operators page over a real SQLite database with Identity, as an Admin and as a Viewer.</summary>
public sealed class OperatorsPageTests : ConsoleComponentTest
{
    private const string Admin = "admin@example.com";
    private const string Vic = "vic@example.com";
    private static readonly string[] MutatingButtons = ["New operator", "Make Admin", "Make Viewer", "Disable", "Enable", "Reset password"];

    public OperatorsPageTests()
    {
        UseDatabase();
        Services.AddOperatorStore();
        Services.AddScoped<OperatorService>();
        Services.AddSingleton<OperatorDirectory>();
        Services.AddScoped<OperatorAdmin>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var scope = Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.CreateAsync(Admin, "a long operator passphrase", OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync(Vic, "a long operator passphrase", OperatorRoles.Viewer)).Succeeded);
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<MudDialogProvider>(1);
        b.CloseComponent();
        b.OpenComponent<OperatorsPage>(2);
        b.CloseComponent();
    });

    private static IReadOnlyList<string> ButtonTexts(IRenderedComponent<ContainerFragment> page) =>
        [.. page.FindAll("button").Select(b => b.TextContent.Trim())];

    private static IRenderedComponent<MudButton> ButtonLabelled(IRenderedComponent<ContainerFragment> page, string label) =>
        page.FindComponents<MudButton>().Single(b => b.Instance.UserAttributes.TryGetValue("aria-label", out var l) && (string?)l == label);

    [Fact]
    public void A_viewer_sees_every_operator_and_no_control_that_changes_one()
    {
        SignInAsViewer(Vic);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var vic = page.FindAll("tbody tr").Single(r => r.TextContent.Contains(Vic));
        Assert.Contains("Viewer", vic.TextContent);
        Assert.Contains("Enabled", vic.TextContent);
        Assert.Contains("(you)", vic.TextContent);
        Assert.DoesNotContain(ButtonTexts(page), t => MutatingButtons.Any(m => t.StartsWith(m, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_admin_disables_an_operator_after_confirming()
    {
        SignInAsAdmin(Admin);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("New operator", ButtonTexts(page)));

        page.Find($"button[aria-label='Disable {Vic}']").Click();
        page.WaitForAssertion(() => page.Find(".mud-dialog"));
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Disable").Click();

        page.WaitForAssertion(() => Assert.Contains("Disabled", page.FindAll("tbody tr").Single(r => r.TextContent.Contains(Vic)).TextContent));
        Assert.NotEmpty(page.FindAll($"button[aria-label='Enable {Vic}']"));
        await using var db = await OpenDatabaseAsync();
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.OperatorDisabled);
        Assert.Equal((Admin, Vic), (audit.ActorId, audit.TargetId));
    }

    [Fact]
    public async Task An_admin_whose_role_becomes_viewer_after_the_page_rendered_is_refused_by_the_gate()
    {
        SignInAsAdmin(Admin);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("New operator", ButtonTexts(page)));
        var disable = ButtonLabelled(page, $"Disable {Vic}").Instance.OnClick;

        // The role claim flips (the page re-renders without the controls), then the old button's action arrives anyway.
        SignInAsViewer(Admin);
        page.WaitForAssertion(() => Assert.DoesNotContain("New operator", ButtonTexts(page)));
        await page.InvokeAsync(() => disable.InvokeAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()));

        Assert.Empty(page.FindAll(".mud-dialog"));
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == OperatorGate.RefusedMessage);
        await using var db = await OpenDatabaseAsync();
        var denied = await db.AuditEvents.SingleAsync(a => a.Action == AuditActions.OperatorDenied);
        Assert.Equal((Admin, Vic), (denied.ActorId, denied.TargetId));
        Assert.False(await db.AuditEvents.AnyAsync(a => a.Action == AuditActions.OperatorDisabled));
    }
}
