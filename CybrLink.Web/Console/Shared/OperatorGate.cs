using System.Security.Claims;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CybrLink.Web.Console.Shared;

/// <summary>
/// The one place the console decides whether the signed-in operator may change something. Pages render no mutating
/// control for a Viewer; every mutating handler still asks here first, so an attempt that reaches the server anyway
/// (an old tab, a crafted circuit message) is refused, told to the person and written to the audit log.
/// </summary>
public sealed partial class OperatorGate(
    AuthenticationStateProvider authentication, IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit,
    ISnackbar snackbar, ILogger<OperatorGate> logger)
{
    public const string RefusedMessage = "Your role is Viewer: you can look at everything, but change nothing.";

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<bool> IsAdminAsync() => (await UserAsync()).IsInRole(OperatorRoles.Admin);

    /// <summary>The signed-in operator as an audit actor (their email).</summary>
    public async Task<AuditActor> ActorAsync() => AuditActor.Operator(NameOf(await UserAsync()));

    /// <summary>
    /// The acting operator when they are an Admin. Otherwise null, after auditing <c>operator.denied</c> (with the
    /// action they attempted) and telling them why; the caller then does nothing.
    /// </summary>
    public async Task<AuditActor?> AdminOrRefuseAsync(string attemptedAction, AuditTarget target, CancellationToken ct = default)
    {
        var user = await UserAsync();
        var actor = AuditActor.Operator(NameOf(user));
        if (user.IsInRole(OperatorRoles.Admin))
        {
            return actor;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            audit.Add(db, AuditActions.OperatorDenied, actor, target, $"attempted {attemptedAction}");
            await db.SaveChangesAsync(ct);
        }

        LogRefused(logger, attemptedAction);
        snackbar.Add(RefusedMessage, Severity.Error);
        return null;
    }

    private static string NameOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "unknown";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Action} to an operator who is not an Admin")]
    private static partial void LogRefused(ILogger logger, string action);
}
