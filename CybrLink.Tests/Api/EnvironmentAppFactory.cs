using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Api;

/// <summary>The test host in a chosen environment (the base factory is Development), with the settings Production requires.</summary>
public sealed class EnvironmentAppFactory(string environment, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    : CybrLinkAppFactory(WithPublicUrl(settings), configureServices: configureServices)
{
    public const string PublicUrl = "https://cybrlink.example.com";

    public string Environment { get; } = environment;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(Environment);
    }

    private static Dictionary<string, string?> WithPublicUrl(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?> { ["Connect:PublicUrl"] = PublicUrl };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }
}
