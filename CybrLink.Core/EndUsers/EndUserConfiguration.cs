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
        e.HasIndex(u => u.OrganizationId);
    }
}
