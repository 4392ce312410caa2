using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Agents;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> e)
    {
        e.ToTable("agents");
        e.HasKey(a => a.Id);
        e.Property(a => a.Name).HasMaxLength(Agent.MaxNameLength);
        e.Property(a => a.Description).HasMaxLength(Agent.MaxDescriptionLength);
        e.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        e.HasIndex(a => a.Name).IsUnique();
    }
}

internal sealed class AgentKeyConfiguration : IEntityTypeConfiguration<AgentKey>
{
    public void Configure(EntityTypeBuilder<AgentKey> e)
    {
        e.ToTable("agent_keys");
        e.HasKey(k => k.Id);
        e.Property(k => k.Name).HasMaxLength(Agent.MaxNameLength);
        e.Property(k => k.DisplayPrefix).HasMaxLength(AgentKey.DisplayPrefixLength);
        e.Property(k => k.SecretHash).HasMaxLength(64);
        e.HasOne<Agent>().WithMany().HasForeignKey(k => k.AgentId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(k => k.SecretHash).IsUnique();
        e.HasIndex(k => k.AgentId);
    }
}

internal sealed class AgentTokenConfiguration : IEntityTypeConfiguration<AgentToken>
{
    public void Configure(EntityTypeBuilder<AgentToken> e)
    {
        e.ToTable("agent_tokens");
        e.HasKey(t => t.Id);
        e.Property(t => t.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(t => t.IntegrationsJson).HasMaxLength(4096);
        e.Property(t => t.DisplayPrefix).HasMaxLength(AgentToken.DisplayPrefixLength);
        e.Property(t => t.SecretHash).HasMaxLength(64);
        e.HasOne<Agent>().WithMany().HasForeignKey(t => t.AgentId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(t => t.SecretHash).IsUnique();
        e.HasIndex(t => new { t.AgentId, t.EndUserId });
        e.HasIndex(t => t.EndUserId);
    }
}
