using Bunit;
using CybrLink.Web.Components.Layout;

namespace CybrLink.Tests.Components;

/// <summary>The console's navigation offers every page to every operator: a Viewer reads everything and changes nothing.</summary>
public sealed class NavMenuTests : ConsoleComponentTest
{
    private IReadOnlyList<string> Links(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a").Select(a => a.TextContent.Trim())];

    [Theory]
    [InlineData("Admin")]
    [InlineData("Viewer")]
    public void Every_operator_is_offered_every_page(string role)
    {
        if (role == "Admin") { SignInAsAdmin(); } else { SignInAsViewer(); }

        var menu = Render<NavMenu>();

        Assert.Equal(
            ["Overview", "Connections", "Connect sessions", "End users", "Agents", "Agent calls", "Audit log", "Catalog",
             "Server keys", "Operators", "My account", "API reference"],
            Links(menu));
    }
}
