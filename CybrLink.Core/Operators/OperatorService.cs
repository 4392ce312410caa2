using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Operators;

public sealed record OperatorResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static OperatorResult Ok { get; } = new(true, []);
    public static OperatorResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>Operators are ASP.NET Identity users with the role Admin or Viewer.</summary>
public sealed class OperatorService(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles)
{
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
