using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Operators;

/// <summary>An operator as the console lists them. Created and last sign-in come from the audit log (null when unknown).</summary>
public sealed record OperatorSummary(
    string Id, string Email, string Role, bool Disabled, DateTimeOffset? CreatedAt, DateTimeOffset? LastSignInAt);

/// <summary>Who the operators are, and when each last signed in.</summary>
public sealed class OperatorDirectory(IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<OperatorSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Operators are few (a team, not a customer base): whole-table reads of the Identity tables are fine here.
        var people = await db.Users.AsNoTracking()
            .Select(u => new { u.Id, u.Email, u.UserName, u.LockoutEnabled, u.LockoutEnd })
            .ToListAsync(ct);
        var roles = await db.UserRoles.AsNoTracking()
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var emails = people.Select(p => p.Email ?? p.UserName ?? p.Id).ToList();
        // One indexed lookup per operator and action (target type + id), never a scan of the audit log.
        var events = await db.AuditEvents.AsNoTracking()
            .Where(a => a.TargetType == "operator" && emails.Contains(a.TargetId)
                && (a.Action == AuditActions.OperatorCreated || a.Action == AuditActions.OperatorSignedIn))
            .GroupBy(a => new { a.TargetId, a.Action })
            .Select(g => new { g.Key.TargetId, g.Key.Action, At = g.Max(a => a.At) })
            .ToListAsync(ct);

        var now = time.GetUtcNow();
        return
        [
            .. people.Select(p =>
            {
                var email = p.Email ?? p.UserName ?? p.Id;
                return new OperatorSummary(
                    p.Id, email,
                    roles.FirstOrDefault(r => r.UserId == p.Id)?.Name ?? "—",
                    p.LockoutEnabled && p.LockoutEnd > now,
                    events.FirstOrDefault(e => e.TargetId == email && e.Action == AuditActions.OperatorCreated)?.At,
                    events.FirstOrDefault(e => e.TargetId == email && e.Action == AuditActions.OperatorSignedIn)?.At);
            }).OrderBy(o => o.Email, StringComparer.OrdinalIgnoreCase),
        ];
    }

    /// <summary>Records a successful sign-in (shown as "last sign-in").</summary>
    public async Task RecordSignInAsync(string email, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Add(db, AuditActions.OperatorSignedIn, AuditActor.Operator(email), AuditTarget.Operator(email));
        await db.SaveChangesAsync(ct);
    }
}
