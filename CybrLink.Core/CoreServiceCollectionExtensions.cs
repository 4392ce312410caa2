using CybrLink.Core.Nango;
using CybrLink.Core.Operators;
using CybrLink.Core.ServerKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CybrLink.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything Core owns: options, the Nango client, domain services. The database provider is the host's
    /// choice (it registers <c>IDbContextFactory&lt;CybrLinkDbContext&gt;</c>).
    /// </summary>
    public static IHostApplicationBuilder AddCybrLinkCore(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<NangoOptions>()
            .Bind(builder.Configuration.GetSection(NangoOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddNangoClient();

        builder.Services.AddSingleton<ServerKeyService>();
        builder.Services.AddSingleton<SetupCode>();
        builder.Services.AddScoped<OperatorService>();
        return builder;
    }
}
