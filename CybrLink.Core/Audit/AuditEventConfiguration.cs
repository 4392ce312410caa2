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
        e.Property(a => a.PreviousHash).HasMaxLength(64);
        e.Property(a => a.Hash).HasMaxLength(64);
        e.HasIndex(a => a.Sequence).IsUnique();
        e.HasIndex(a => a.At);
        e.HasIndex(a => new { a.TargetType, a.TargetId });
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> e)
    {
        // Note: snake_case column names, so the lock statement (AuditChain.LockSql) is the same plain SQL on both providers.
        e.ToTable("audit_chain_head");
        e.HasKey(h => h.Id);
        e.Property(h => h.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(h => h.LastSequence).HasColumnName("last_sequence");
        e.Property(h => h.LastHash).HasColumnName("last_hash").HasMaxLength(64);
        e.Property(h => h.AnchorSequence).HasColumnName("anchor_sequence");
        e.Property(h => h.AnchorPreviousHash).HasColumnName("anchor_previous_hash").HasMaxLength(64);
        e.HasData(new AuditChainHead
        {
            Id = AuditChainHead.RowId,
            LastSequence = 0,
            LastHash = AuditChainHead.GenesisHash,
            AnchorSequence = 1,
            AnchorPreviousHash = AuditChainHead.GenesisHash,
        });
    }
}
