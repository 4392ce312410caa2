using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Leases;
using CybrLink.Core.Policies;
using CybrLink.Core.ServerKeys;
using CybrLink.Core.SystemState;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Data;

public sealed class CybrLinkDbContext(DbContextOptions<CybrLinkDbContext> options)
    : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring, shared by every instance on this database (cookies, antiforgery, tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();
    public DbSet<CatalogIntegration> Integrations => Set<CatalogIntegration>();
    public DbSet<EndUser> EndUsers => Set<EndUser>();
    public DbSet<ConnectSession> ConnectSessions => Set<ConnectSession>();
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentKey> AgentKeys => Set<AgentKey>();
    public DbSet<AgentToken> AgentTokens => Set<AgentToken>();
    public DbSet<AgentPolicyVersion> AgentPolicyVersions => Set<AgentPolicyVersion>();
    public DbSet<AgentCall> AgentCalls => Set<AgentCall>();
    public DbSet<SystemStateEntry> SystemState => Set<SystemStateEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CybrLinkDbContext).Assembly);
        if (Database.ProviderName == PostgresProvider)
        {
            // The search columns compare byte-wise on PostgreSQL as on SQLite, so a prefix is one index range
            // [prefix, next prefix) whatever the database's locale (see EndUserSearch).
            var endUser = builder.Entity<EndUser>();
            endUser.Property(u => u.SearchId).UseCollation("C");
            endUser.Property(u => u.SearchEmail).UseCollation("C");
            endUser.Property(u => u.SearchName).UseCollation("C");
        }
    }

    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
    /// <summary>
    /// Saves, numbering and hashing new audit events into the chain in the same transaction (<see cref="AuditChain"/>):
    /// it joins the caller's transaction, or opens one and commits it after the save.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var events = AuditChain.NewEvents(this);
        if (events.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // Note: the chain is extended in this one place. A caller's transaction is joined, so its rollback takes the
        // numbers back with the events (no gap); otherwise the lock, the head and the events commit together here.
        await using var owned = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await AuditChain.ExtendAsync(this, events, cancellationToken);
        // Changes are accepted only after the commit, so a failed commit leaves the events to be saved (and renumbered) again.
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken);
        }

        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var events = AuditChain.NewEvents(this);
        if (events.Count == 0)
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        using var owned = Database.CurrentTransaction is null ? Database.BeginTransaction() : null;
        AuditChain.Extend(this, events);
        var saved = base.SaveChanges(acceptAllChangesOnSuccess: false);
        owned?.Commit();
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return saved;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Note: SQLite cannot order or compare DateTimeOffset; storing UTC ticks keeps queries portable to PostgreSQL.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}
