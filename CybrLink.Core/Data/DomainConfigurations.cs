using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Leases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.Data;

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

internal sealed class ConnectSessionConfiguration : IEntityTypeConfiguration<ConnectSession>
{
    public void Configure(EntityTypeBuilder<ConnectSession> e)
    {
        e.ToTable("connect_sessions");
        e.HasKey(s => s.Id);
        e.Property(s => s.TokenHash).HasMaxLength(64);
        e.Property(s => s.IntegrationKey).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(s => s.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(s => s.EndUserEmail).HasMaxLength(320);
        e.Property(s => s.EndUserDisplayName).HasMaxLength(255);
        e.Property(s => s.OrganizationId).HasMaxLength(255);
        e.Property(s => s.OrganizationName).HasMaxLength(255);
        e.Property(s => s.ReturnUrl).HasMaxLength(2048);
        e.Property(s => s.Locale).HasMaxLength(35);
        e.Property(s => s.ConnectionConfigJson).HasMaxLength(16384);
        e.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(s => s.ErrorCode).HasMaxLength(64);
        e.Property(s => s.NangoTokenProtected).HasMaxLength(1024);
        e.Property(s => s.CreatedByKeyId).HasMaxLength(64);
        e.Ignore(s => s.IsOpen);
        e.Property(s => s.AttemptConfigJson).HasMaxLength(16384);
        e.HasIndex(s => s.TokenHash).IsUnique();
        e.HasIndex(s => new { s.Status, s.ExpiresAt });
    }
}

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> e)
    {
        e.ToTable("connections");
        e.HasKey(c => c.Id);
        e.Property(c => c.NangoConnectionId).HasMaxLength(Connection.MaxNangoIdLength);
        e.Property(c => c.IntegrationKey).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(c => c.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(c => c.OrganizationId).HasMaxLength(255);
        e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(c => c.ErrorDetail).HasMaxLength(1000);
        e.Property(c => c.ConnectionConfigJson).HasMaxLength(16384);
        e.HasIndex(c => new { c.IntegrationKey, c.NangoConnectionId }).IsUnique();
        e.HasIndex(c => c.EndUserId);
    }
}

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
