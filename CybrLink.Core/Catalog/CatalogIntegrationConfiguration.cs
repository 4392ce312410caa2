using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Catalog;

internal sealed class CatalogIntegrationConfiguration : IEntityTypeConfiguration<CatalogIntegration>
{
    public void Configure(EntityTypeBuilder<CatalogIntegration> e)
    {
        e.ToTable("integrations");
        e.HasKey(i => i.Key);
        e.Property(i => i.Key).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(i => i.Provider).HasMaxLength(255);
        e.Property(i => i.DisplayName).HasMaxLength(255);
        e.Property(i => i.LogoUrl).HasMaxLength(2048);
        e.Property(i => i.AuthMode).HasMaxLength(32);
        e.Property(i => i.FieldsJson).HasMaxLength(65536);
        e.Property(i => i.Description).HasMaxLength(2000);
        e.Property(i => i.Category).HasMaxLength(100);
        e.Property(i => i.RequestedScopes).HasMaxLength(2000);
    }
}
