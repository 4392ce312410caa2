using CybrLink.Core.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Policies;

/// <summary>
/// One version of an agent's policy: the whole ordered rule list as JSON. Every change writes a new version; the
/// highest version is in force. An agent with no version has an empty policy (everything denied).
/// </summary>
public sealed class AgentPolicyVersion
{
    public const int MaxRulesJsonLength = 262_144;

    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public int Version { get; set; }
    public required string RulesJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

internal sealed class AgentPolicyVersionConfiguration : IEntityTypeConfiguration<AgentPolicyVersion>
{
    public void Configure(EntityTypeBuilder<AgentPolicyVersion> e)
    {
        e.ToTable("agent_policy_versions");
        e.HasKey(p => p.Id);
        e.Property(p => p.RulesJson).HasMaxLength(AgentPolicyVersion.MaxRulesJsonLength);
        e.Property(p => p.CreatedBy).HasMaxLength(256);
        e.HasOne<Agent>().WithMany().HasForeignKey(p => p.AgentId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(p => new { p.AgentId, p.Version }).IsUnique();
    }
}
