using CybrLink.Core.Catalog;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.ConnectSessions;

internal sealed class ConnectSessionConfiguration : IEntityTypeConfiguration<ConnectSession>
{
    public void Configure(EntityTypeBuilder<ConnectSession> e)
    {
        e.ToTable("connect_sessions");
        e.HasKey(s => s.Id);
        e.Property(s => s.TokenHash).HasMaxLength(64);
        e.Property(s => s.IntegrationKey).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(s => s.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(s => s.EndUserEmail).HasMaxLength(320);
        e.Property(s => s.EndUserDisplayName).HasMaxLength(255);
        e.Property(s => s.OrganizationId).HasMaxLength(255);
        e.Property(s => s.OrganizationName).HasMaxLength(255);
        e.Property(s => s.ReturnUrl).HasMaxLength(2048);
        e.Property(s => s.Locale).HasMaxLength(35);
        e.Property(s => s.ConnectionConfigJson).HasMaxLength(16384);
        e.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(s => s.ErrorCode).HasMaxLength(64);
        e.Property(s => s.NangoTokenProtected).HasMaxLength(1024);
        e.Property(s => s.CreatedByKeyId).HasMaxLength(64);
        e.Ignore(s => s.IsOpen);
        e.Property(s => s.AttemptConfigJson).HasMaxLength(16384);
        e.HasIndex(s => s.TokenHash).IsUnique();
        e.HasIndex(s => new { s.Status, s.ExpiresAt });
        // The overview's sessions per day over the last week.
        e.HasIndex(s => s.CreatedAt);
    }
}
