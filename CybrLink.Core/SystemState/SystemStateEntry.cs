using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.SystemState;

/// <summary>
/// One fact about the running system that no other table holds, such as when reconciliation last finished: a key, when
/// it was last set, and a short value. Shared by every instance on the database.
/// </summary>
public sealed class SystemStateEntry
{
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 500;

    public required string Key { get; set; }
    public string? Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The keys CybrLink records.</summary>
public static class SystemStateKeys
{
    /// <summary>Set when a reconciliation pass with Nango completes; the value is its summary.</summary>
    public const string LastReconciliation = "nango.last_reconciliation";

    /// <summary>Set when a Nango webhook with a valid signature arrives; the value is its type and operation.</summary>
    public const string LastWebhook = "nango.last_webhook";
}

internal sealed class SystemStateEntryConfiguration : IEntityTypeConfiguration<SystemStateEntry>
{
    public void Configure(EntityTypeBuilder<SystemStateEntry> e)
    {
        e.ToTable("system_state");
        e.HasKey(s => s.Key);
        e.Property(s => s.Key).HasMaxLength(SystemStateEntry.MaxKeyLength);
        e.Property(s => s.Value).HasMaxLength(SystemStateEntry.MaxValueLength);
    }
}
