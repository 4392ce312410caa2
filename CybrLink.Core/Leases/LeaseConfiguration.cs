using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Leases;

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> e)
    {
        e.ToTable("leases");
        e.HasKey(l => l.Name);
        e.Property(l => l.Name).HasMaxLength(64);
        e.Property(l => l.Holder).HasMaxLength(255);
    }
}
