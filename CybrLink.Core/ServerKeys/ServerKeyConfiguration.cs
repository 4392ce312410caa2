using CybrLink.Core.ServerKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.ServerKeys;

internal sealed class ServerKeyConfiguration : IEntityTypeConfiguration<ServerKey>
{
    public void Configure(EntityTypeBuilder<ServerKey> key)
    {
        key.ToTable("server_keys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Name).HasMaxLength(ServerKeyService.MaxNameLength);
        key.Property(k => k.DisplayPrefix).HasMaxLength(ServerKey.DisplayPrefixLength);
        key.Property(k => k.SecretHash).HasMaxLength(64);
        key.Property(k => k.CreatedBy).HasMaxLength(256);
        key.Ignore(k => k.IsRevoked);
        key.HasIndex(k => k.DisplayPrefix);
        key.HasIndex(k => k.SecretHash).IsUnique();
    }
}
