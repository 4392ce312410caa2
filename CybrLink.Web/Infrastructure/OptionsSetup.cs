using CybrLink.Core.ConnectSessions;
using CybrLink.Web.Connect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>The web host's settings: bound from their sections, checked by their validators when the host starts.</summary>
public static class OptionsSetup
{
    public static IServiceCollection AddCybrLinkWebOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(configuration.GetSection(ApiOptions.SectionName));
        services.AddValidatedOptions<BrandingOptions, BrandingOptionsValidator>(configuration.GetSection(BrandingOptions.SectionName));
        // Core binds ConnectOptions; the web host adds the rules (one of them depends on the environment).
        services.AddOptions<ConnectOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectOptions>, ConnectOptionsValidator>());
        services.AddOptions<HostingOptions>().Bind(configuration);
        return services;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
