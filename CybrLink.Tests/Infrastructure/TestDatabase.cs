using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CybrLink.Tests.Infrastructure;

public enum TestDatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A database that exists only for one test host (or for the hosts of one test): a temp SQLite file, or a fresh
/// PostgreSQL database <c>cybrlink_test_&lt;guid&gt;</c> on the cluster named by <see cref="PostgresVariable"/>.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The PostgreSQL cluster the tests may create databases on (test.sh starts one and sets it).</summary>
    public const string PostgresVariable = "CYBRLINK_TEST_POSTGRES";

    private readonly string? _adminConnectionString;

    private TestDatabase(TestDatabaseProvider provider, string connectionString, string name, string? adminConnectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
        _adminConnectionString = adminConnectionString;
    }

    public TestDatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The SQLite file, or the PostgreSQL database name.</summary>
    public string Name { get; }

    /// <summary>The settings a CybrLink host needs to use this database (PostgreSQL is migrated by the host at start).</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:CybrLink"] = ConnectionString,
        ["Database:MigrateOnStart"] = "true",
    };

    public static TestDatabase Create(TestDatabaseProvider provider)
    {
        if (provider == TestDatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"cybrlink-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(provider, $"Data Source={path}", path, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            // Note: never a silent skip: a run without PostgreSQL must not pass as if both providers were tested.
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set: these tests run on PostgreSQL. Run them through test.sh (it starts a " +
                $"throwaway cluster), or set {PostgresVariable} to a connection string of a cluster where this user may create databases.");
        }

        var name = $"cybrlink_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
        }

        var csb = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(provider, csb.ConnectionString, name, admin);
    }

    /// <summary>Everything stored, as text, for scans that prove a secret is not in the database.</summary>
    public string ReadAllText()
    {
        if (Provider == TestDatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var text = new StringBuilder();
            foreach (var path in new[] { Name, Name + "-wal" }.Where(File.Exists))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.Latin1);
                text.Append(reader.ReadToEnd());
            }

            return text.ToString();
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var all = new StringBuilder();
        foreach (var table in tables)
        {
            using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                all.AppendLine(reader.GetString(0));
            }
        }

        return all.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == TestDatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Name + suffix);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
