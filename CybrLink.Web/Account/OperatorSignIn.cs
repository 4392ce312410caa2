using System.Security.Cryptography;
using CybrLink.Core.Operators;
using Microsoft.AspNetCore.Identity;

namespace CybrLink.Web.Account;

public enum SignInOutcome
{
    SignedIn,
    /// <summary>Unknown email, wrong password or a disabled operator: deliberately one outcome.</summary>
    Refused,
}

/// <summary>
/// Password sign-in that answers an unknown email, a wrong password and a disabled operator the same way, after the
/// same work: one password-hash verification each time.
/// </summary>
public sealed partial class OperatorSignIn(
    UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, IPasswordHasher<IdentityUser> hasher, OperatorDirectory directory,
    ILogger<OperatorSignIn> logger)
{
    public const string RefusedMessage = "Email or password is incorrect.";

    // A hash of a random password nobody knows, verified when the email is unknown so that path costs a hash too.
    private static string? s_dummyHash;

    public async Task<SignInOutcome> SignInAsync(string email, string password)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            // Note: without this verification an unknown email answers ~20x faster than a wrong password, which
            // tells an attacker which emails have accounts.
            var dummy = s_dummyHash ??= hasher.HashPassword(new IdentityUser(), RandomNumberGenerator.GetHexString(32));
            hasher.VerifyHashedPassword(new IdentityUser(), dummy, password);
            LogRefused(logger);
            return SignInOutcome.Refused;
        }

        // Note: the password is verified before the disabled check (SignInManager does it the other way round,
        // skipping the hash), so a disabled operator costs the same and is not revealed by the answer.
        var passwordOk = await users.CheckPasswordAsync(user, password);
        if (!passwordOk || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
        {
            LogRefused(logger);
            return SignInOutcome.Refused;
        }

        await signIn.SignInAsync(user, isPersistent: false);
        await directory.RecordSignInAsync(user.Email ?? email);
        return SignInOutcome.SignedIn;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A sign-in was refused (unknown email, wrong password or disabled operator).")]
    private static partial void LogRefused(ILogger logger);
}
