using System.Security.Claims;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Account;

/// <summary>
/// Checks the operator before every action an open console tab sends to the server (clicks, form submits,
/// navigation, JS calls into .NET). A tab whose operator signed out, was disabled or changed role is disconnected
/// before its action runs, whatever the page does, and the refusal is written to the audit log.
/// </summary>
public sealed partial class StaleOperatorHubFilter(ILogger<StaleOperatorHubFilter> logger) : IHubFilter
{
    public const string RefusedMessage = "Your sign-in has ended. Sign in again.";

    // The Blazor circuit hub's methods that make the server do something for the user.
    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "DispatchBrowserEvent", "BeginInvokeDotNetFromJS", "OnLocationChanged", "OnLocationChanging", "UpdateRootComponents",
    };

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = invocationContext.Context.User;
        // Note: checked per action, not per interval: an action is what can create a server key. Anonymous tabs
        // (none in the console, which requires sign-in) have nothing to re-check. A check that throws fails closed.
        if (user?.Identity?.IsAuthenticated == true && Actions.Contains(invocationContext.HubMethodName)
            && !await invocationContext.ServiceProvider.GetRequiredService<OperatorPrincipalCheck>().IsCurrentAsync(user))
        {
            LogRefused(logger, invocationContext.HubMethodName);
            invocationContext.Context.Abort();
            await AuditRefusalAsync(invocationContext.ServiceProvider, user, invocationContext.HubMethodName);
            throw new HubException(RefusedMessage);
        }

        return await next(invocationContext);
    }

    /// <summary>One insert per refused action (the connection is already aborted, so a tab cannot repeat it).</summary>
    private async Task AuditRefusalAsync(IServiceProvider services, ClaimsPrincipal user, string hubMethod)
    {
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "unknown";
        try
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
            services.GetRequiredService<AuditLog>().Add(
                db, AuditActions.OperatorDenied, AuditActor.Operator(email), AuditTarget.Operator(email), $"{hubMethod} from a tab whose sign-in has ended");
            await db.SaveChangesAsync();
        }
        catch (Exception e)
        {
            // Note: an audit failure is logged and the action stays refused (the caller throws next): the refusal
            // must never depend on the audit log being writable.
            LogAuditFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a console action ({HubMethod}) from a tab whose sign-in has ended.")]
    private static partial void LogRefused(ILogger logger, string hubMethod);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not audit a refused console action.")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception);
}
