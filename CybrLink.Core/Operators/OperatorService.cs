using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Operators;

public sealed record OperatorResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static OperatorResult Ok { get; } = new(true, []);
    public static OperatorResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>Operators are ASP.NET Identity users with the role Admin or Viewer.</summary>
public sealed class OperatorService(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, OperatorSessionEvents sessions)
{
    private const string NoSuchOperator = "No operator has that email.";

    // One first-operator creation at a time, so two setup forms submitted together cannot both win.
    private static readonly SemaphoreSlim FirstOperatorGate = new(1, 1);

    public Task<bool> AnyAsync(CancellationToken ct = default) => users.Users.AnyAsync(ct);

    public async Task<OperatorResult> CreateAsync(string email, string password, string role, CancellationToken ct = default)
    {
        var canonicalRole = OperatorRoles.Normalize(role);
        if (canonicalRole is null)
        {
            return OperatorResult.Fail($"Role must be one of: {string.Join(", ", OperatorRoles.All)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return OperatorResult.Fail("An operator with that email already exists.");
        }

        await EnsureRolesAsync();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return OperatorResult.Fail([.. created.Errors.Select(e => e.Description)]);
        }

        var added = await users.AddToRoleAsync(user, canonicalRole);
        return added.Succeeded ? OperatorResult.Ok : OperatorResult.Fail([.. added.Errors.Select(e => e.Description)]);
    }

    /// <summary>Creates the first Admin, only while no operator exists.</summary>
    public async Task<OperatorResult> CreateFirstAdminAsync(string email, string password, CancellationToken ct = default)
    {
        await FirstOperatorGate.WaitAsync(ct);
        try
        {
            if (await AnyAsync(ct))
            {
                return OperatorResult.Fail("Setup is already complete.");
            }

            return await CreateAsync(email, password, OperatorRoles.Admin, ct);
        }
        finally
        {
            FirstOperatorGate.Release();
        }
    }

    /// <summary>Gives the operator <paramref name="role"/> instead of their current role; their sign-ins re-check at once.</summary>
    public async Task<OperatorResult> SetRoleAsync(string email, string role, CancellationToken ct = default)
    {
        var canonicalRole = OperatorRoles.Normalize(role);
        if (canonicalRole is null)
        {
            return OperatorResult.Fail($"Role must be one of: {string.Join(", ", OperatorRoles.All)}.");
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            return OperatorResult.Fail(NoSuchOperator);
        }

        var current = await users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == canonicalRole)
        {
            return OperatorResult.Ok;
        }

        if (canonicalRole != OperatorRoles.Admin && current.Contains(OperatorRoles.Admin) && await IsLastActiveAdminAsync(user))
        {
            return OperatorResult.Fail("This is the only active admin. Make another operator an admin first.");
        }

        await EnsureRolesAsync();
        var removed = await users.RemoveFromRolesAsync(user, current);
        var added = removed.Succeeded ? await users.AddToRoleAsync(user, canonicalRole) : removed;
        return added.Succeeded ? await InvalidateSessionsAsync(user) : Failed(added);
    }

    /// <summary>Stops the operator from signing in and ends the sign-ins they have (cookies and open console tabs).</summary>
    public async Task<OperatorResult> DisableAsync(string email, CancellationToken ct = default)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            return OperatorResult.Fail(NoSuchOperator);
        }

        if (await users.IsInRoleAsync(user, OperatorRoles.Admin) && await IsLastActiveAdminAsync(user))
        {
            return OperatorResult.Fail("This is the only active admin. Make another operator an admin first.");
        }

        // Note: "disabled" is Identity's lockout with no end. Failed sign-ins never set a lockout (see the sign-in
        // rate limits), so a locked-out operator is always one an admin disabled.
        var enabled = await users.SetLockoutEnabledAsync(user, true);
        var locked = enabled.Succeeded ? await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue) : enabled;
        return locked.Succeeded ? await InvalidateSessionsAsync(user) : Failed(locked);
    }

    /// <summary>Lets a disabled operator sign in again.</summary>
    public async Task<OperatorResult> EnableAsync(string email, CancellationToken ct = default)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            return OperatorResult.Fail(NoSuchOperator);
        }

        if (!await users.IsLockedOutAsync(user))
        {
            return OperatorResult.Ok;
        }

        var unlocked = await users.SetLockoutEndDateAsync(user, null);
        return unlocked.Succeeded ? OperatorResult.Ok : Failed(unlocked);
    }

    public async Task<bool> IsDisabledAsync(IdentityUser user) => await users.IsLockedOutAsync(user);

    /// <summary>
    /// Invalidates every sign-in of the operator: a new security stamp fails each cookie at its next check, and open
    /// console tabs are told to re-check now.
    /// </summary>
    public async Task<OperatorResult> InvalidateSessionsAsync(IdentityUser user)
    {
        var updated = await users.UpdateSecurityStampAsync(user);
        if (!updated.Succeeded)
        {
            return Failed(updated);
        }

        sessions.Invalidate(user.Id);
        return OperatorResult.Ok;
    }

    private async Task<bool> IsLastActiveAdminAsync(IdentityUser user)
    {
        foreach (var admin in await users.GetUsersInRoleAsync(OperatorRoles.Admin))
        {
            if (admin.Id != user.Id && !await users.IsLockedOutAsync(admin))
            {
                return false;
            }
        }

        return true;
    }

    private static OperatorResult Failed(IdentityResult result) => OperatorResult.Fail([.. result.Errors.Select(e => e.Description)]);

    private async Task EnsureRolesAsync()
    {
        foreach (var role in OperatorRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }
}
