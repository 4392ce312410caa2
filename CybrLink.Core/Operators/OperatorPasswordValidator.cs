using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace CybrLink.Core.Operators;

/// <summary>
/// NIST SP 800-63B for operator passwords, on top of Identity's length rule: no password from the list of common
/// and breached passwords, and none that contains the operator's email or the name of the app. Identity runs it for
/// every password it sets (setup, the CLI's create-operator, any password change).
/// </summary>
public sealed class OperatorPasswordValidator : IPasswordValidator<IdentityUser>
{
    // A local part shorter than this ("a@example.com") would refuse half the dictionary without making anything safer.
    private const int MinimumLocalPartLength = 3;

    public async Task<IdentityResult> ValidateAsync(UserManager<IdentityUser> manager, IdentityUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return IdentityResult.Success;
        }

        var email = user.Email ?? await manager.GetEmailAsync(user) ?? "";
        if (ContainsIdentity(password, email))
        {
            return Failed("password_contains_email", "Choose a password that does not contain your email address or its name part.");
        }

        if (password.Contains("cybrlink", StringComparison.OrdinalIgnoreCase))
        {
            return Failed("password_contains_app_name", "Choose a password that does not contain the name CybrLink.");
        }

        if (CommonPasswords.Contains(password))
        {
            return Failed("password_too_common", "That password is on a list of common or leaked passwords. Choose another one, for example a few unrelated words.");
        }

        return IdentityResult.Success;
    }

    private static bool ContainsIdentity(string password, string email)
    {
        if (email.Length == 0)
        {
            return false;
        }

        var at = email.IndexOf('@');
        var localPart = at > 0 ? email[..at] : email;
        return password.Contains(email, StringComparison.OrdinalIgnoreCase)
            || (localPart.Length >= MinimumLocalPartLength && password.Contains(localPart, StringComparison.OrdinalIgnoreCase));
    }

    private static IdentityResult Failed(string code, string description) =>
        IdentityResult.Failed(new IdentityError { Code = code, Description = description });
}

/// <summary>The shipped list of common and breached passwords (embedded resource), loaded once, compared case-insensitively.</summary>
public static class CommonPasswords
{
    private const string ResourceName = "CybrLink.Core.Operators.common-passwords.txt";

    private static readonly Lazy<HashSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(password.Trim());

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // The header (source and licence) ends at the first empty line; passwords may themselves start with '#'.
        while (reader.ReadLine() is { Length: > 0 })
        {
        }

        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }

        return set;
    }
}
