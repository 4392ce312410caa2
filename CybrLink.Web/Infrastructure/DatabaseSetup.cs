using CybrLink.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Chooses the database provider from configuration and migrates at start.</summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "CybrLink";

    public static IHostApplicationBuilder AddCybrLinkDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        var connectionString = ResolveSqlite(
            builder.Configuration.GetConnectionString(ConnectionStringName) ?? "Data Source=App_Data/cybrlink.db",
            builder.Environment.ContentRootPath);
        // Database:Provider is checked by DatabaseOptionsValidator before anything opens the database.
        builder.Services.AddDbContextFactory<CybrLinkDbContext>(o => o.UseSqlite(connectionString));
        return builder;
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

    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }
}
