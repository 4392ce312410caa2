using System.Diagnostics.CodeAnalysis;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CybrLink.Web.Infrastructure;

/// <summary>Chooses the database provider from configuration, keeps the Data Protection keys in it, and migrates.</summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "CybrLink";

    /// <summary>The assembly holding the PostgreSQL migration set (the SQLite set is in CybrLink.Core).</summary>
    public const string PostgresMigrationsAssembly = "CybrLink.Migrations.Postgres";

    /// <summary>Every instance must use the same name, or they cannot read each other's cookies and tokens.</summary>
    public const string DataProtectionApplicationName = "CybrLink";

    public static IHostApplicationBuilder AddCybrLinkDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (database.IsPostgres)
        {
            if (!IsPostgresConnectionString(configured))
            {
                throw new ConfigurationProblemException(
                    "ConnectionStrings:CybrLink must be a PostgreSQL connection string when Database:Provider is 'Postgres' (e.g. Host=db;Database=cybrlink;Username=cybrlink;Password=...).");
            }

            builder.Services.AddDbContextFactory<CybrLinkDbContext>((sp, o) =>
                o.UseNpgsql(configured, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly))
                    .AddInterceptors(sp.GetRequiredService<AgentChangeInterceptor>()));
        }
        else
        {
            // Database:Provider is checked by DatabaseOptionsValidator before anything opens the database.
            var connectionString = ResolveSqlite(configured ?? "Data Source=App_Data/cybrlink.db", builder.Environment.ContentRootPath);
            builder.Services.AddDbContextFactory<CybrLinkDbContext>((sp, o) =>
                o.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<AgentChangeInterceptor>()));
        }

        // Note: the key ring lives in the database, so every instance behind a load balancer reads the operator
        // cookies, antiforgery tokens and protected Nango session tokens the others issued. The keys are as secret as
        // the rest of the database, which already holds everything else CybrLink protects.
        builder.Services.AddDataProtection()
            .SetApplicationName(DataProtectionApplicationName)
            .PersistKeysToDbContext<CybrLinkDbContext>();
        return builder;
    }

    private static bool IsPostgresConnectionString([NotNullWhen(true)] string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the database settings cannot work (hosts that never start).</summary>
    public static void ValidateDatabaseSettings(this IServiceProvider services) =>
        _ = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;

    /// <summary>An absolute data source under the content root, its folder created (SQLite resolves against the CWD).</summary>
    public static string ResolveSqlite(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is not ("" or ":memory:") && csb.Mode != SqliteOpenMode.Memory)
        {
            csb.DataSource = Path.GetFullPath(csb.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }

        return csb.ToString();
    }

    /// <summary>Migrates when the server starts, if <see cref="DatabaseOptions.ShouldMigrateOnStart"/> says so.</summary>
    public static async Task MigrateDatabaseOnStartAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ShouldMigrateOnStart)
        {
            await services.MigrateDatabaseAsync(ct);
        }
    }

    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await AuditChainSealer.SealLegacyEventsAsync(db, ct);
    }
}
