using Bunit;
using CybrLink.Web.Components.Layout;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CybrLink.Tests.Components;

public sealed class NangoBannerTests : ConsoleComponentTest
{
    private readonly NangoStatusMonitor _monitor = new(null!, NullLogger<NangoStatusMonitor>.Instance);

    public NangoBannerTests() => Services.AddSingleton(_monitor);

    [Fact]
    public void Shows_nothing_until_nango_is_known_to_be_down()
    {
        var banner = Render<NangoBanner>();

        Assert.Empty(banner.FindAll("[data-testid=nango-banner]"));
    }

    [Fact]
    public void Appears_when_nango_becomes_unreachable_and_goes_when_it_is_back()
    {
        var banner = Render<NangoBanner>();

        _monitor.Report(reachable: false);
        banner.WaitForAssertion(() => Assert.Contains("unreachable", banner.Find("[data-testid=nango-banner]").TextContent));

        _monitor.Report(reachable: true);
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=nango-banner]")));
    }
}
