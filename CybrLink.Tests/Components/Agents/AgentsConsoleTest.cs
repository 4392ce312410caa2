using System.Text.Json;
using Bunit;
using Bunit.Rendering;
using CybrLink.Core.Actions;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Policies;
using CybrLink.Tests.Nango;
using CybrLink.Web.Console.Agents;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CybrLink.Tests.Components.Agents;

/// <summary>The agents console's components over a real migrated SQLite database and Core's real agent and policy services.</summary>
public abstract class AgentsConsoleTest : ConsoleComponentTest
{
    private readonly NangoClientFixture _nango = new();

    protected AgentsConsoleTest()
    {
        UseDatabase();
        Services.AddSingleton<ILogger<CatalogService>>(NullLogger<CatalogService>.Instance);
        Services.AddSingleton(_nango.Api);
        Services.AddSingleton<CatalogMisses>();
        Services.AddScoped<CatalogService>();
        Services.AddSingleton<AgentService>();
        Services.AddSingleton<AgentKeys>();
        Services.AddScoped<AgentTokens>();
        Services.AddSingleton(new PolicyValidator());
        Services.AddSingleton<PolicyStore>();
        Services.AddSingleton<PolicyHistory>();
        Services.AddSingleton<PolicyWhatIf>();
        Services.AddSingleton<PolicyDryRun>();
        Services.AddSingleton(_ => ActionCatalog.LoadEmbedded());
        Services.AddSingleton<AgentConsoleQueries>();
    }

    protected T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected async Task<AgentView> CreateAgentAsync(string name = "mail-assistant", string? description = null) =>
        await Get<AgentService>().CreateAsync(new CreateAgentCommand(name, description), AuditActor.System);

    protected async Task<PolicyView> SetPolicyAsync(Guid agentId, string rulesJson)
    {
        using var body = JsonDocument.Parse($$"""{ "rules": {{rulesJson}} }""");
        return await Get<PolicyStore>().ReplaceAsync(agentId, body.RootElement, AuditActor.System);
    }

    /// <summary>The component under the popover and dialog providers, as the layout places it.</summary>
    protected IRenderedComponent<ContainerFragment> RenderWithProviders<TComponent>(params (string Name, object? Value)[] parameters)
        where TComponent : IComponent =>
        Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<TComponent>(2);
            foreach (var (name, value) in parameters)
            {
                b.AddAttribute(3, name, value);
            }

            b.CloseComponent();
        });

    protected static AngleSharp.Dom.IElement Button(IRenderedComponent<ContainerFragment> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>A button of the open dialog (a confirmation's "Revoke" is not the row's "Revoke").</summary>
    protected static AngleSharp.Dom.IElement DialogButton(IRenderedComponent<ContainerFragment> cut, string text) =>
        cut.Find(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text);

    protected static bool HasButton(IRenderedComponent<ContainerFragment> cut, string text) =>
        cut.FindAll("button").Any(b => b.TextContent.Trim() == text);

    protected override void Dispose(bool disposing)
    {
        _nango.Dispose();
        base.Dispose(disposing);
    }
}
