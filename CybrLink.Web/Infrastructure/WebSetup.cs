using CybrLink.Web.Console.Overview;
using CybrLink.Web.Console.Shared;
using CybrLink.Web.Console.Audit;
using CybrLink.Web.Console.Export;
using CybrLink.Web.Agents;
using CybrLink.Web.Components.Layout;
using CybrLink.Core;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Audit;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Sandbox;
using CybrLink.Web.Account;
using CybrLink.Web.Api;
using CybrLink.Web.Components;
using CybrLink.Web.Connect;
using CybrLink.Web.Mcp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace CybrLink.Web.Infrastructure;

public static class WebSetup
{
    public const string AdminPolicy = "Admin";
    public const string OperatorPolicy = "Operator";
    public const string ServerKeyPolicy = "ServerKey";

    /// <summary>Everything the web host needs: logging, data, Core, identity, API plumbing, the console.</summary>
    public static WebApplicationBuilder AddCybrLinkWeb(this WebApplicationBuilder builder)
    {
        builder.AddCybrLinkLogging();
        // Note: no "Server: Kestrel" header; the server's name and version help only whoever scans for weaknesses.
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
        builder.Services.AddCybrLinkWebOptions(builder.Configuration);
        builder.AddCybrLinkDatabase();
        builder.AddCybrLinkCore();
        builder.AddSandboxIfEnabled();
        builder.Services.AddOperatorIdentity();
        builder.Services.AddCybrLinkRateLimiting();

        builder.Services.AddSingleton<IProblemDetailsWriter, ApiProblemDetailsWriter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<CybrLinkExceptionHandler>();
        builder.Services.AddValidation();
        builder.Services.AddStrictJsonRequests();
        builder.Services.AddCybrLinkOpenApi();
        builder.Services.AddCybrLinkHealthChecks();
        builder.Services.AddSingleton<NangoStatusMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NangoStatusMonitor>());
        builder.Services.AddHostedService<NangoBackgroundSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentCallWriter>());
        // Audit: retention (Audit:RetentionDays; does nothing when 0).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionJob>());

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        // Note: snackbars at the bottom, so they never cover the app bar's controls.
        builder.Services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        builder.Services.AddScoped<OperatorGate>();
        builder.Services.AddScoped<IntegrationDirectory>();
        // Console: connection detail, connect sessions, end-user detail (issue 12 §2 detail, §3, §6 detail).
        builder.Services.AddScoped<Console.Connections.ConnectionDetailQuery>();
        builder.Services.AddScoped<Console.Connections.ReconnectLinks>();
        builder.Services.AddScoped<Console.ConnectSessions.ConnectSessionsQuery>();
        builder.Services.AddScoped<Console.EndUsers.EndUserDetailQuery>();
        // Console: operators admin (issue 12 §7).
        builder.Services.AddScoped<CybrLink.Web.Console.Operators.OperatorAdmin>();

        // Console overview: its numbers, cached per instance (Console:Overview:CacheSeconds).
        builder.Services.AddOptions<OverviewOptions>().Bind(builder.Configuration.GetSection(OverviewOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OverviewOptions>, OverviewOptionsValidator>());
        builder.Services.AddSingleton<OverviewCache>();

        // Agents console (issue 12 §4): the agents pages' reads.
        builder.Services.AddSingleton<CybrLink.Web.Console.Agents.AgentConsoleQueries>();
        // Console: audit viewer and its exports.
        builder.Services.AddScoped<AuditQuery>();
        builder.AddConnectUi();
        return builder;
    }

    /// <summary>
    /// Operators: ASP.NET Identity with cookie sign-in that sign-out revokes, roles; plus the server-key scheme for the
    /// API and the agent scheme for the agent API (<see cref="AgentAuthentication.Policy"/>).
    /// </summary>
    public static IServiceCollection AddOperatorIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        services.AddIdentityCore<IdentityUser>().AddSignInManager();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ServerKeyAuthenticationHandler>(ServerKeyAuthenticationHandler.SchemeName, null)
            .AddAgentScheme();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = AccountUrls.Login;
            o.LogoutPath = AccountUrls.Logout;
            o.AccessDeniedPath = AccountUrls.AccessDenied;
            o.Cookie.Name = "cybrlink.operator";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });

        services.AddCybrLinkMcp();
        services.AddOperatorStore();
        services.AddOperatorSessions();

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireRole(OperatorRoles.Admin))
            .AddPolicy(OperatorPolicy, p => p.RequireRole(OperatorRoles.All))
            .AddPolicy(ServerKeyPolicy, p => p
                .AddAuthenticationSchemes(ServerKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ServerKeyAuthenticationHandler.KeyIdClaim))
            .AddAgentPolicy();
        return services;
    }

    /// <summary>Identity users and roles in CybrLink's database, with the password rules (web and CLI).</summary>
    public static IServiceCollection AddOperatorStore(this IServiceCollection services)
    {
        services.AddIdentityCore<IdentityUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Note: length over composition rules (NIST SP 800-63B): a 12-character passphrase is accepted.
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                // Note: no lockout after failed sign-ins: it let anyone lock out a known admin with five wrong
                // passwords. Guessing is slowed by rate limits per address and per account (AccountThrottle) instead.
                // Lockout stays only as the "disabled" switch an admin sets (OperatorService.DisableAsync).
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CybrLinkDbContext>()
            .AddPasswordValidator<OperatorPasswordValidator>();
        services.TryAddSingleton<OperatorSessionEvents>();
        return services;
    }

    public static WebApplication UseCybrLinkWeb(this WebApplication app)
    {
        // Outside the exception handler: the request log shows the status the client received, not "500".
        app.UseCybrLinkRequestLogging();
        // Routing first, as the implicit default would be, behind the gate that lets a wrong Content-Type reach its
        // endpoint (and a 415) instead of the /api fallback's 404.
        app.UseJsonContentTypeGate();
        app.UseRouting();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            CreateScopeForErrors = true,
            StatusCodeSelector = CybrLinkExceptionHandler.StatusOf,
            // CybrLinkExceptionHandler logs every 5xx once, with its stack trace; a domain refusal (4xx) is no error.
            SuppressDiagnosticsCallback = _ => true,
        });
        if (app.Services.IsSandboxMounted())
        {
            // Before CybrLink's own headers, auth and antiforgery: the sandbox stands in for another server.
            app.UseNangoSandbox();
        }

        app.UseSecurityHeaders();
        app.UseWhen(ApiProblems.IsJsonRequest, api => api.UseStatusCodePages());
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseCybrLinkRateLimiting();
        app.UseAuthorization();
        app.UseAgentCallAudit();
        app.UseMcpEndUserCheck();
        app.UseAntiforgery();
        app.UseStrictJsonRequests();

        app.MapStaticAssets();
        app.MapCybrLinkHealth();
        app.MapCybrLinkApiDocs();
        app.MapAccountEndpoints();
        app.MapCybrLinkApi();
        app.MapConnectUi();
        app.MapCybrLinkMcp();
        app.MapConsoleExports();
        // Blazor's own frame-ancestors header is turned off: SecurityHeaders sets the whole policy.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
