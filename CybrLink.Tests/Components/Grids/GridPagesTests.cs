using Bunit;
using Bunit.TestDoubles;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.EndUsers;
using CybrLink.Web.Console.Connections;
using CybrLink.Web.Console.EndUsers;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Components.Grids;

/// <summary>The connections and end-users grids: the address sets the filters, and each row links to its detail.</summary>
public sealed class GridPagesTests : ConsoleComponentTest
{
    private Guid _adaMail;

    public GridPagesTests()
    {
        UseDatabase();
        SignInAsViewer();
        Services.AddSingleton<ConnectionQuery>();
        Services.AddSingleton<EndUserQuery>();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var now = Clock.GetUtcNow();
        await using var db = await OpenDatabaseAsync();
        db.Integrations.AddRange(
            new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" },
            new CatalogIntegration { Key = "sandbox-crm", Provider = "sandbox-crm", DisplayName = "Sandbox CRM", AuthMode = "OAUTH2" });
        db.EndUsers.AddRange(
            new EndUser { Id = "u/ada", DisplayName = "Ada Lovelace", Email = "ada@engine.example", OrganizationId = "org-1", CreatedAt = now, UpdatedAt = now },
            new EndUser { Id = "u-grace", DisplayName = "Grace Hopper", Email = "grace@navy.example", OrganizationId = "org-2", CreatedAt = now, UpdatedAt = now });
        _adaMail = Guid.CreateVersion7();
        db.Connections.AddRange(
            new Connection { Id = _adaMail, NangoConnectionId = "n1", IntegrationKey = "sandbox-mail", EndUserId = "u/ada", OrganizationId = "org-1", CreatedAt = now, UpdatedAt = now },
            new Connection { Id = Guid.CreateVersion7(), NangoConnectionId = "n2", IntegrationKey = "sandbox-crm", EndUserId = "u/ada", OrganizationId = "org-1", CreatedAt = now, UpdatedAt = now },
            new Connection { Id = Guid.CreateVersion7(), NangoConnectionId = "n3", IntegrationKey = "sandbox-mail", EndUserId = "u-grace", OrganizationId = "org-2", CreatedAt = now, UpdatedAt = now, Status = ConnectionStatus.Error });
        await db.SaveChangesAsync();
    }

    private void GoTo(string uri) => Services.GetRequiredService<NavigationManager>().NavigateTo(uri);

    [Fact]
    public void The_address_filters_the_connections_and_a_row_links_to_its_detail_by_the_end_users_name()
    {
        GoTo("/connections?integration=sandbox-mail&q=ADA");

        var page = Render<ConnectionsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        var row = page.Find("tbody tr");
        Assert.Contains("Sandbox Mail", row.TextContent);
        Assert.Contains("ada@engine.example", row.TextContent);
        var link = row.QuerySelector("a")!;
        Assert.Equal($"/connections/{_adaMail}", link.GetAttribute("href"));
        Assert.Equal("Ada Lovelace", link.TextContent.Trim());
    }

    [Fact]
    public void A_status_in_the_address_shows_only_that_status()
    {
        GoTo("/connections?status=error");

        var page = Render<ConnectionsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Contains("Grace Hopper", page.Find("tbody tr").TextContent);
        Assert.Contains("Error", page.Find("tbody tr").TextContent);
    }

    [Fact]
    public void The_end_users_grid_searches_from_the_address_and_links_to_the_encoded_id()
    {
        GoTo("/end-users?q=ada");

        var page = Render<EndUsersPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        var row = page.Find("tbody tr");
        Assert.Contains("ada@engine.example", row.TextContent);
        Assert.Equal("/end-users/u%2Fada", row.QuerySelector("a")!.GetAttribute("href"));
        // Connections per end user.
        Assert.Contains("2", row.QuerySelectorAll("td")[3].TextContent);
    }
}
