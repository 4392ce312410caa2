using CybrLink.Core.Operators;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CybrLink.Web.Account;

public static class AccountUrls
{
    public const string Login = "/account/login";
    public const string Logout = "/account/logout";
    public const string AccessDenied = "/account/access-denied";
    public const string Setup = "/setup";

    /// <summary>Only local paths are followed after sign-in, so a crafted link cannot send an operator elsewhere.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/";
}

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post with the antiforgery token (validated for form-bound endpoints); sign-out by GET would let any
        // page log an operator out.
        app.MapPost(AccountUrls.Logout, SignOutAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<RedirectHttpResult> SignOutAsync(
        HttpContext http, SignInManager<IdentityUser> signIn, OperatorService operators, [FromForm] string? returnUrl)
    {
        // Note: deleting this browser's cookie is not enough: a copy of it (another tab's circuit, a saved cookie)
        // would keep working. A new security stamp fails every cookie of this operator at its next check and tells
        // open console tabs to re-check now. So signing out signs the operator out everywhere.
        if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
        {
            await operators.InvalidateSessionsAsync(user);
        }

        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect(AccountUrls.Login);
    }
}
