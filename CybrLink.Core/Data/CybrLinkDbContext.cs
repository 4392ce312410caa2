using CybrLink.Core.ServerKeys;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Data;

public sealed class CybrLinkDbContext(DbContextOptions<CybrLinkDbContext> options)
    : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CybrLinkDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Note: SQLite cannot order or compare DateTimeOffset; storing UTC ticks keeps queries portable to PostgreSQL.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}
