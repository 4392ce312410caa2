using CybrLink.Web.Cli;
using Microsoft.Data.Sqlite;

namespace CybrLink.Tests.Cli;

/// <summary><c>verify-audit</c>: what an operator runs to check that nobody edited the audit log.</summary>
public sealed class VerifyAuditCommandTests : IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"cybrlink-cli-{Guid.NewGuid():N}.db");

    public async Task InitializeAsync()
    {
        // Three agents, each with a key: six audit events (#1..#6), written by the CLI itself.
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            Assert.Equal(CliCommand.Ok, (await RunAsync("create-agent", "--name", name)).Exit);
        }
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_db + suffix);
        }

        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliCommand.RunAsync(args, stdout, stderr, new Dictionary<string, string?> { ["ConnectionStrings:CybrLink"] = $"Data Source={_db}" });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar()) ?? "";
    }

    [Fact]
    public async Task An_untouched_chain_verifies()
    {
        var (exit, stdout, stderr) = await RunAsync("verify-audit");

        Assert.Equal(CliCommand.Ok, exit);
        Assert.Equal("chain intact, 6 events (#1..#6)", stdout.TrimEnd());
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Editing_one_rows_detail_makes_it_exit_non_zero_naming_that_row()
    {
        var id = Sql("""SELECT "Id" FROM audit_events WHERE "Sequence" = 4""");
        Sql("""UPDATE audit_events SET "Detail" = 'nothing to see' WHERE "Sequence" = 4""");

        var (exit, stdout, stderr) = await RunAsync("verify-audit");

        Assert.Equal(CliCommand.Failed, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"chain broken at row #4 (id {id.ToLowerInvariant()}): content changed: its fields do not match its hash", stderr.TrimEnd());
    }

    [Fact]
    public async Task Deleting_a_middle_row_names_the_gap()
    {
        var next = Sql("""SELECT "Id" FROM audit_events WHERE "Sequence" = 3""");
        Sql("""DELETE FROM audit_events WHERE "Sequence" = 2""");

        var (exit, _, stderr) = await RunAsync("verify-audit");

        Assert.Equal(CliCommand.Failed, exit);
        Assert.Equal($"chain broken at row #3 (id {next.ToLowerInvariant()}): sequence gap: row #2 is missing", stderr.TrimEnd());
    }

    [Fact]
    public async Task Deleting_the_newest_rows_is_found_from_the_chain_head()
    {
        Sql("""DELETE FROM audit_events WHERE "Sequence" >= 5""");

        var (exit, _, stderr) = await RunAsync("verify-audit");

        Assert.Equal(CliCommand.Failed, exit);
        Assert.StartsWith("chain broken at row #5 (id none: the row is missing): rows #5..#6 are missing", stderr);
    }

    [Fact]
    public async Task Verify_audit_takes_no_options()
    {
        var (exit, _, stderr) = await RunAsync("verify-audit", "--fast", "yes");

        Assert.Equal(CliCommand.Usage, exit);
        Assert.Contains("does not take --fast", stderr);
    }
}
