using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.EndUsers;

internal sealed class EndUserConfiguration : IEntityTypeConfiguration<EndUser>
{
    public void Configure(EntityTypeBuilder<EndUser> e)
    {
        e.ToTable("end_users");
        e.HasKey(u => u.Id);
        e.Property(u => u.Id).HasMaxLength(EndUser.MaxIdLength);
        e.Property(u => u.Email).HasMaxLength(320);
        e.Property(u => u.DisplayName).HasMaxLength(255);
        e.Property(u => u.OrganizationId).HasMaxLength(255);
        e.Property(u => u.OrganizationName).HasMaxLength(255);
        e.Property(u => u.SearchId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(u => u.SearchEmail).HasMaxLength(320);
        e.Property(u => u.SearchName).HasMaxLength(255);
        e.HasIndex(u => new { u.OrganizationId, u.CreatedAt });
        e.HasIndex(u => u.CreatedAt);
        e.HasIndex(u => u.SearchId);
        e.HasIndex(u => u.SearchEmail);
        e.HasIndex(u => u.SearchName);
    }
}
