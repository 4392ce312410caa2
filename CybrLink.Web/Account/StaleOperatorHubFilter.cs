using Microsoft.AspNetCore.SignalR;

namespace CybrLink.Web.Account;

/// <summary>
/// Checks the operator before every action an open console tab sends to the server (clicks, form submits,
/// navigation, JS calls into .NET). A tab whose operator signed out, was disabled or changed role is disconnected
/// before its action runs, whatever the page does.
/// </summary>
public sealed partial class StaleOperatorHubFilter(ILogger<StaleOperatorHubFilter> logger) : IHubFilter
{
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
            throw new HubException("Your sign-in has ended. Sign in again.");
        }

        return await next(invocationContext);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a console action ({HubMethod}) from a tab whose sign-in has ended.")]
    private static partial void LogRefused(ILogger logger, string hubMethod);
}
