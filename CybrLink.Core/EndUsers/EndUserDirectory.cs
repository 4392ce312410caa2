using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.EndUsers;

/// <summary>End users as the operator's server describes them: created on first mention, updated on later ones.</summary>
public sealed class EndUserDirectory(IDbContextFactory<CybrLinkDbContext> dbFactory, TimeProvider time)
{
    /// <summary>
    /// Creates or updates the end user. Safe under concurrency: when two requests create the same new end user at
    /// once, the one that loses the insert updates the row the other created.
    /// </summary>
    public async Task UpsertAsync(EndUserInput input, OrganizationInput? organization, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow();
            var user = await db.EndUsers.SingleOrDefaultAsync(u => u.Id == input.Id, ct);
            if (user is null)
            {
                user = new EndUser { Id = input.Id, CreatedAt = now };
                db.EndUsers.Add(user);
            }

            user.Email = input.Email ?? user.Email;
            user.DisplayName = input.DisplayName ?? user.DisplayName;
            user.OrganizationId = organization?.Id ?? user.OrganizationId;
            user.OrganizationName = organization?.DisplayName ?? user.OrganizationName;
            user.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                // Another request inserted this end user between our read and our insert: read it again and update.
            }
        }
    }
}
