using CybrLink.Core.Operators;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Account;

public static class OperatorSessionsSetup
{
    /// <summary>
    /// Sign-in that can be taken back: cookies checked against the operator's security stamp, console tabs that
    /// re-check, actions refused for a stale operator, and the sign-in and setup form limits.
    /// </summary>
    public static IServiceCollection AddOperatorSessions(this IServiceCollection services)
    {
        services.AddOptions<OperatorSessionOptions>().BindConfiguration(OperatorSessionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        // Note: AddIdentityCore (unlike AddIdentity) leaves the stamp check to us. The application cookie's
        // OnValidatePrincipal calls this validator; without it a saved cookie outlives sign-out for its whole life.
        services.TryAddScoped<ISecurityStampValidator, SecurityStampValidator<IdentityUser>>();
        services.TryAddScoped<ITwoFactorSecurityStampValidator, TwoFactorSecurityStampValidator<IdentityUser>>();
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<OperatorSessionOptions>, TimeProvider>((o, sessions, time) =>
            {
                o.ValidationInterval = sessions.Value.CookieCheckInterval;
                o.TimeProvider = time;
            });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<TimeProvider>((o, time) => o.TimeProvider = time);

        services.TryAddSingleton<OperatorSessionEvents>();
        services.AddScoped<OperatorPrincipalCheck>();
        services.AddScoped<OperatorSignIn>();
        services.AddScoped<AuthenticationStateProvider, OperatorAuthenticationStateProvider>();
        services.AddSignalR(o => o.AddFilter<StaleOperatorHubFilter>());
        services.AddSingleton<AccountThrottle>();
        return services;
    }
}
