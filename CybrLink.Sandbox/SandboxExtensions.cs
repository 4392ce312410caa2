using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Sandbox;

public static class SandboxExtensions
{
    /// <summary>Registers the emulator's services (its own store, never CybrLink's database).</summary>
    public static IServiceCollection AddNangoSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName));
        return services;
    }

    /// <summary>Maps the emulator under <see cref="SandboxOptions.BasePath"/>.</summary>
    public static WebApplication UseNangoSandbox(this WebApplication app) => app;
}
