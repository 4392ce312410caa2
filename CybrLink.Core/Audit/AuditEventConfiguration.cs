using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> e)
    {
        e.ToTable("audit_events");
        e.HasKey(a => a.Id);
        e.Property(a => a.Action).HasMaxLength(64);
        e.Property(a => a.ActorType).HasMaxLength(32);
        e.Property(a => a.ActorId).HasMaxLength(255);
        e.Property(a => a.TargetType).HasMaxLength(32);
        e.Property(a => a.TargetId).HasMaxLength(255);
        e.Property(a => a.Detail).HasMaxLength(500);
        e.HasIndex(a => a.At);
        e.HasIndex(a => new { a.TargetType, a.TargetId });
    }
}
