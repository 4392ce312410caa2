using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.BrowserAuth;
using CybrLink.Sandbox.Control;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.OAuth;
using CybrLink.Sandbox.Proxy;
using CybrLink.Sandbox.RateLimit;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;
using CybrLink.Sandbox.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CybrLink.Sandbox;

public static class SandboxExtensions
{
    // Generated once per process, so every options instance (and a restart of the host in tests) agrees.
    private static readonly Lazy<string> ProcessSecretKey = new(() => Guid.NewGuid().ToString());
    private static readonly Lazy<string> ProcessSigningKey = new(() => Guid.NewGuid().ToString());

    /// <summary>Registers the emulator's services (its own store, never CybrLink's database).</summary>
    public static IServiceCollection AddNangoSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>());
        services.PostConfigure<SandboxOptions>(FillInKeys);
        return services.AddSandboxServices();
    }

    /// <summary>
    /// Maps the emulator under <see cref="SandboxOptions.BasePath"/> on its own branch and middleware.
    /// Refused in Production: it keeps credentials in memory and exposes test controls.
    /// </summary>
    public static WebApplication UseNangoSandbox(this WebApplication app)
    {
        if (app.Environment.IsProduction())
            throw new InvalidOperationException(
                "The Nango sandbox must not run in Production: it keeps credentials in memory and exposes fault controls. Set Sandbox:Enabled=false.");
        var basePath = app.Services.GetRequiredService<IOptions<SandboxOptions>>().Value.BasePath;
        ((IApplicationBuilder)app).Map(basePath, branch =>
        {
            // The host's routing may already have picked an endpoint (e.g. a fallback); this branch routes on its own.
            branch.Use((context, next) =>
            {
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
                return next(context);
            });
            SandboxPipeline.Configure(branch);
        });
        return app;
    }

    internal static void FillInKeys(SandboxOptions options)
    {
        if (string.IsNullOrEmpty(options.SecretKey))
            options.SecretKey = ProcessSecretKey.Value;
        if (string.IsNullOrEmpty(options.WebhookSigningKey))
            options.WebhookSigningKey = ProcessSigningKey.Value;
    }

    internal static IServiceCollection AddSandboxServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddRouting();
        services.AddSingleton<SandboxStore>();
        services.AddSingleton<FaultState>();
        services.AddSingleton<ApiRateLimiter>();
        services.AddSingleton<SandboxHttp>();
        services.AddSingleton<WebSocketHub>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<NangoAuthentication>();
        services.AddSingleton<ProviderTokenClient>();
        services.AddSingleton<CredentialRefresher>();
        services.AddSingleton<SessionConnections>();
        return services;
    }
}
