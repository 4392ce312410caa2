using CybrLink.Core.Catalog;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Connections;

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> e)
    {
        e.ToTable("connections");
        e.HasKey(c => c.Id);
        e.Property(c => c.NangoConnectionId).HasMaxLength(Connection.MaxNangoIdLength);
        e.Property(c => c.IntegrationKey).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(c => c.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(c => c.OrganizationId).HasMaxLength(255);
        // Note: a concurrency token, so a writer holding a stale copy (reconciliation, a webhook) cannot overwrite a
        // revocation committed meanwhile by saving its own status change: its save fails instead, and it retries on a
        // fresh read. Without it a pass that read "error" just before the revocation could write "active" after it.
        e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        e.Property(c => c.ErrorDetail).HasMaxLength(1000);
        e.Property(c => c.ConnectionConfigJson).HasMaxLength(16384);
        e.HasIndex(c => new { c.IntegrationKey, c.NangoConnectionId }).IsUnique();
        // The connections list (GET /api/v1/connections, the console) filters by end user or integration and pages
        // newest first: each filter has an index that already holds that order.
        e.HasIndex(c => new { c.EndUserId, c.CreatedAt });
        e.HasIndex(c => new { c.IntegrationKey, c.CreatedAt });
        e.HasIndex(c => c.CreatedAt);
        e.HasIndex(c => c.NangoDeletePending);
        // The console's grid: each filter it offers has an index in the default order (newest first), and each sort
        // an index of its own; reconciliation reads only the real (non-demo) rows.
        e.HasIndex(c => new { c.Status, c.CreatedAt });
        e.HasIndex(c => new { c.OrganizationId, c.CreatedAt });
        e.HasIndex(c => new { c.LastUsedAt, c.CreatedAt });
        e.HasIndex(c => new { c.IntegrationKey, c.Status, c.CreatedAt });
        e.HasIndex(c => c.IsDemo);
        // The overview counts connections by status and live ones by integration from this index alone.
        e.HasIndex(c => new { c.Status, c.IntegrationKey });
    }
}
