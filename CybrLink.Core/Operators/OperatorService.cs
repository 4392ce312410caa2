using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Operators;

public sealed record OperatorResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static OperatorResult Ok { get; } = new(true, []);
    public static OperatorResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>A password reset's outcome: the new password, to be shown once, when it succeeded.</summary>
public sealed record PasswordReset(OperatorResult Result, string? Password);

/// <summary>
/// Operators are ASP.NET Identity users with the role Admin or Viewer. Every change is audited in the same transaction,
/// and none may leave the console without an enabled Admin.
/// </summary>
public sealed class OperatorService(
    UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, OperatorSessionEvents sessions, CybrLinkDbContext db, AuditLog audit)
{
    public const string LastAdminMessage = "This is the only enabled admin. Make another operator an admin first.";
    public const string WrongCurrentPassword = "The current password is not correct.";
    private const string NoSuchOperator = "No operator has that email.";

    // One first-operator creation at a time, so two setup forms submitted together cannot both win.
    private static readonly SemaphoreSlim FirstOperatorGate = new(1, 1);

    public Task<bool> AnyAsync(CancellationToken ct = default) => users.Users.AnyAsync(ct);

    public Task<OperatorResult> CreateAsync(string email, string password, string role, CancellationToken ct = default) =>
        CreateAsync(email, password, role, AuditActor.System, ct);

    public async Task<OperatorResult> CreateAsync(string email, string password, string role, AuditActor actor, CancellationToken ct = default)
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
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        var added = created.Succeeded ? await users.AddToRoleAsync(user, canonicalRole) : created;
        if (!added.Succeeded)
        {
            return Failed(added);
        }

        await AuditAsync(AuditActions.OperatorCreated, actor, email, $"role {canonicalRole}", ct);
        await tx.CommitAsync(ct);
        return OperatorResult.Ok;
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

            return await CreateAsync(email, password, OperatorRoles.Admin, AuditActor.System, ct);
        }
        finally
        {
            FirstOperatorGate.Release();
        }
    }

    public Task<OperatorResult> SetRoleAsync(string email, string role, CancellationToken ct = default) =>
        SetRoleAsync(email, role, AuditActor.System, ct);

    /// <summary>Gives the operator <paramref name="role"/> instead of their current role; their sign-ins end at once.</summary>
    public async Task<OperatorResult> SetRoleAsync(string email, string role, AuditActor actor, CancellationToken ct = default)
    {
        var canonicalRole = OperatorRoles.Normalize(role);
        if (canonicalRole is null)
        {
            return OperatorResult.Fail($"Role must be one of: {string.Join(", ", OperatorRoles.All)}.");
        }

        return await ChangeAdminsAsync(email, actor, ct, async user =>
        {
            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == canonicalRole)
            {
                return Step.Nothing;
            }

            var removed = await users.RemoveFromRolesAsync(user, current);
            var added = removed.Succeeded ? await users.AddToRoleAsync(user, canonicalRole) : removed;
            return added.Succeeded
                ? new Step(AuditActions.OperatorRoleChanged, $"role {string.Join(", ", current)} -> {canonicalRole}", EndsSessions: true)
                : Step.Failed(added);
        });
    }

    public Task<OperatorResult> DisableAsync(string email, CancellationToken ct = default) => DisableAsync(email, AuditActor.System, ct);

    /// <summary>Stops the operator from signing in and ends the sign-ins they have (cookies and open console tabs).</summary>
    public Task<OperatorResult> DisableAsync(string email, AuditActor actor, CancellationToken ct = default) =>
        ChangeAdminsAsync(email, actor, ct, async user =>
        {
            if (await users.IsLockedOutAsync(user))
            {
                return Step.Nothing;
            }

            // Note: "disabled" is Identity's lockout with no end. Failed sign-ins never set a lockout (see the sign-in
            // rate limits), so a locked-out operator is always one an admin disabled.
            var enabled = await users.SetLockoutEnabledAsync(user, true);
            var locked = enabled.Succeeded ? await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue) : enabled;
            return locked.Succeeded ? new Step(AuditActions.OperatorDisabled, EndsSessions: true) : Step.Failed(locked);
        });

    public Task<OperatorResult> EnableAsync(string email, CancellationToken ct = default) => EnableAsync(email, AuditActor.System, ct);

    /// <summary>Lets a disabled operator sign in again.</summary>
    public Task<OperatorResult> EnableAsync(string email, AuditActor actor, CancellationToken ct = default) =>
        ChangeAdminsAsync(email, actor, ct, async user =>
        {
            if (!await users.IsLockedOutAsync(user))
            {
                return Step.Nothing;
            }

            var unlocked = await users.SetLockoutEndDateAsync(user, null);
            return unlocked.Succeeded ? new Step(AuditActions.OperatorEnabled) : Step.Failed(unlocked);
        });

    /// <summary>
    /// Gives the operator a new generated password, returned once to be handed over; their sign-ins end at once.
    /// </summary>
    public async Task<PasswordReset> ResetPasswordAsync(string email, AuditActor actor, CancellationToken ct = default)
    {
        // A generated password can, very rarely, contain the operator's email name; the validator refuses it, so try again.
        for (var attempt = 0; ; attempt++)
        {
            var password = OperatorPasswords.Generate();
            var result = await ChangeAdminsAsync(email, actor, ct, async user =>
            {
                var removed = await users.RemovePasswordAsync(user);
                var added = removed.Succeeded ? await users.AddPasswordAsync(user, password) : removed;
                return added.Succeeded ? new Step(AuditActions.OperatorPasswordReset, EndsSessions: true) : Step.Failed(added);
            });
            if (result.Succeeded || attempt == 2 || result.Errors is [NoSuchOperator])
            {
                return new PasswordReset(result, result.Succeeded ? password : null);
            }
        }
    }

    /// <summary>
    /// The signed-in operator changes their own password (the current one is required). Every sign-in of theirs ends;
    /// the caller re-issues the one in use.
    /// </summary>
    public async Task<OperatorResult> ChangeOwnPasswordAsync(
        IdentityUser user, string currentPassword, string newPassword, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            return OperatorResult.Fail(WrongCurrentPassword);
        }

        if (!changed.Succeeded)
        {
            return Failed(changed);
        }

        var email = user.Email ?? user.UserName ?? user.Id;
        await AuditAsync(AuditActions.OperatorPasswordChanged, AuditActor.Operator(email), email, null, ct);
        await tx.CommitAsync(ct);
        sessions.Invalidate(user.Id);
        return OperatorResult.Ok;
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

    /// <summary>What a change did (its audit action), nothing (<see cref="Nothing"/>), or why it failed.</summary>
    private sealed record Step(string? Action, string? Detail = null, bool EndsSessions = false, IReadOnlyList<string>? Errors = null)
    {
        public static Step Nothing { get; } = new((string?)null);
        public static Step Failed(IdentityResult result) => new(null, Errors: [.. result.Errors.Select(e => e.Description)]);
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the operator in a transaction that every change to who may administer takes in
    /// turn, and keeps it only if an enabled Admin remains.
    /// </summary>
    private async Task<OperatorResult> ChangeAdminsAsync(string email, AuditActor actor, CancellationToken ct, Func<IdentityUser, Task<Step>> change)
    {
        await EnsureRolesAsync();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Note: the lock. Two Admins demoting (or disabling) each other at once would each see the other still an
        // Admin and both succeed, leaving none. Writing the Admin role's row first makes every such change wait for the
        // one before it to commit (a row lock on PostgreSQL, the write lock on SQLite), so the check below sees it.
        var adminRole = OperatorRoles.Admin.ToUpperInvariant();
        await db.Roles.Where(r => r.NormalizedName == adminRole)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConcurrencyStamp, Guid.NewGuid().ToString()), ct);

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            return OperatorResult.Fail(NoSuchOperator);
        }

        var step = await change(user);
        if (step.Errors is { } errors)
        {
            return new OperatorResult(false, errors);
        }

        if (step.Action is null)
        {
            return OperatorResult.Ok;
        }

        // Leaving the transaction uncommitted rolls the change back.
        if (!await AnyEnabledAdminAsync())
        {
            return OperatorResult.Fail(LastAdminMessage);
        }

        if (step.EndsSessions && await users.UpdateSecurityStampAsync(user) is { Succeeded: false } stamped)
        {
            return Failed(stamped);
        }

        await AuditAsync(step.Action, actor, user.Email ?? email, step.Detail, ct);
        await tx.CommitAsync(ct);
        if (step.EndsSessions)
        {
            sessions.Invalidate(user.Id);
        }

        return OperatorResult.Ok;
    }

    private async Task<bool> AnyEnabledAdminAsync()
    {
        foreach (var admin in await users.GetUsersInRoleAsync(OperatorRoles.Admin))
        {
            if (!await users.IsLockedOutAsync(admin))
            {
                return true;
            }
        }

        return false;
    }

    private async Task AuditAsync(string action, AuditActor actor, string email, string? detail, CancellationToken ct)
    {
        audit.Add(db, action, actor, AuditTarget.Operator(email), detail);
        await db.SaveChangesAsync(ct);
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
