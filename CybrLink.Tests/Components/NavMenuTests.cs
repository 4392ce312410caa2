using Bunit;
using CybrLink.Web.Components.Layout;

namespace CybrLink.Tests.Components;

/// <summary>The console's navigation offers each operator the pages their role may open.</summary>
public sealed class NavMenuTests : ConsoleComponentTest
{
    private IReadOnlyList<string> Links(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a").Select(a => a.TextContent.Trim())];

    [Fact]
    public void A_viewer_is_not_offered_the_admin_pages()
    {
        SignInAsViewer();

        var menu = Render<NavMenu>();

        Assert.Equal(["Overview", "Connections", "API reference"], Links(menu));
    }

    [Fact]
    public void An_admin_is_offered_the_catalog_and_server_keys()
    {
        SignInAsAdmin();

        var menu = Render<NavMenu>();

        Assert.Equal(["Overview", "Connections", "Catalog", "Server keys", "API reference"], Links(menu));
    }
}
