using CybrLink.Core.Actions;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.EndUsers;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Demo;
using CybrLink.Core.Leases;
using CybrLink.Core.Nango;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Operators;
using CybrLink.Core.Policies;
using CybrLink.Core.Reporting;
using CybrLink.Core.ServerKeys;
using CybrLink.Core.SystemState;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NangoOptions>, NangoOptionsValidator>());
        builder.Services.AddNangoClient();

        builder.Services.AddOptions<ConnectOptions>().Bind(builder.Configuration.GetSection(ConnectOptions.SectionName));
        builder.Services.AddOptions<AgentCallOptions>()
            .Bind(builder.Configuration.GetSection(AgentCallOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentCallOptions>, AgentCallOptionsValidator>());

        // Built on first resolve; the web host resolves it before starting so a broken manifest stops start-up.
        builder.Services.AddSingleton(_ => ActionCatalog.LoadEmbedded());
        builder.Services.AddSingleton<ServerKeyService>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<LeaseService>();
        builder.Services.AddSingleton<CatalogMisses>();
        builder.Services.AddScoped<CatalogService>();
        builder.Services.AddScoped<EndUserDirectory>();
        builder.Services.AddScoped<ConnectionRecorder>();
        builder.Services.AddScoped<NangoSessionTokens>();
        builder.Services.AddScoped<ConnectSessionCommandValidator>();
        builder.Services.AddScoped<ConnectSessionCompleter>();
        builder.Services.AddScoped<ConnectSessionService>();
        builder.Services.AddScoped<ConnectFlow>();
        builder.Services.AddScoped<ConnectAttempts>();
        builder.Services.AddScoped<ConnectResultConfirmer>();
        builder.Services.AddScoped<NangoWebhookHandler>();
        builder.Services.AddScoped<ConnectionReconciler>();
        builder.Services.AddSingleton<NangoSyncJob>();
        // The web host runs it as a hosted service (WebSetup); a host that never starts it must not record calls.
        builder.Services.AddSingleton<AgentCallWriter>();
        builder.Services.AddScoped<ConnectionRevoker>();
        builder.Services.AddScoped<EndUserOffboarder>();
        builder.Services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        builder.Services.AddSingleton<AgentRateLimits>();
        builder.Services.AddSingleton<AgentToolsSignal>();
        builder.Services.AddSingleton<AgentChangeInterceptor>();
        builder.Services.AddScoped<AgentConnectLinks>();
        builder.Services.AddScoped<AgentAccessGate>();
        builder.Services.AddScoped<AgentUpstream>();
        builder.Services.AddScoped<AgentActions>();
        builder.Services.AddSingleton<SetupCode>();
        builder.Services.AddScoped<OperatorService>();
        // Console: operators admin (issue 12 §7).
        builder.Services.AddSingleton<OperatorDirectory>();
        builder.Services.AddSingleton(sp => ActionKeyCheck.For(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.CybrLinkDbContext>>(), sp.GetRequiredService<ActionCatalog>()));
        builder.Services.TryAddSingleton(sp => new PolicyValidator(sp.GetService<ActionKeyExists>()));
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<PolicyDryRun>();
        // Agents console (issue 12 §4): policy history and the what-if of an edit.
        builder.Services.AddSingleton<PolicyHistory>();
        builder.Services.AddSingleton<PolicyWhatIf>();
        builder.Services.AddSingleton<AgentService>();
        builder.Services.AddSingleton<AgentKeys>();
        builder.Services.AddScoped<AgentTokens>();
        builder.Services.AddSingleton<AgentCredentials>();

        // Console grids (issue 12): the connections and end-users lists, and the seed-demo verb's data.
        builder.Services.AddSingleton<ConnectionQuery>();
        builder.Services.AddSingleton<EndUserQuery>();
        builder.Services.AddSingleton<DemoSeeder>();
        // Operator console: overview numbers, the agent-call log and its live feed, recorded system state.
        builder.Services.AddSingleton<SystemStateStore>();
        builder.Services.AddSingleton<AgentCallFeed>();
        builder.Services.AddSingleton<AgentCallQuery>();
        builder.Services.AddSingleton<OverviewQuery>();
        // Audit chain: verification and retention (the chain itself is extended by CybrLinkDbContext.SaveChanges).
        builder.Services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        builder.Services.AddSingleton<AuditChainVerifier>();
        builder.Services.AddSingleton<AuditRetention>();
        // The web host runs it as a hosted service (WebSetup).
        builder.Services.AddSingleton<AuditRetentionJob>();
        return builder;
    }
}
