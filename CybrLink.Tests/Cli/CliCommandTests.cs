using CybrLink.Core.ServerKeys;
using CybrLink.Web.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Cli;

public sealed class CliCommandTests : IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"cybrlink-cli-{Guid.NewGuid():N}.db");
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_db + suffix);
        }

        return Task.CompletedTask;
    }

    private Task<int> RunAsync(params string[] args) => CliCommand.RunAsync(
        args, _out, _err, new Dictionary<string, string?> { ["ConnectionStrings:CybrLink"] = $"Data Source={_db}" });

    [Theory]
    [InlineData("migrate")]
    [InlineData("create-operator")]
    [InlineData("create-server-key")]
    [InlineData("--help")]
    [InlineData("frobnicate")]
    public void Verbs_and_unknown_words_are_commands(string first) => Assert.True(CliCommand.IsCommand([first, "x"]));

    [Fact]
    public void Server_options_are_not_commands() => Assert.False(CliCommand.IsCommand(["--urls", "http://127.0.0.1:6000"]));

    [Fact]
    public async Task Help_lists_every_verb()
    {
        Assert.Equal(CliCommand.Ok, await RunAsync("--help"));

        foreach (var verb in new[] { "migrate", "create-operator", "create-server-key", "verify-audit" })
        {
            Assert.Contains(verb, _out.ToString());
        }
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "Unknown verb 'frobnicate'")]
    [InlineData(new[] { "create-server-key" }, "needs --name")]
    [InlineData(new[] { "create-server-key", "--name" }, "--name needs a value")]
    [InlineData(new[] { "create-server-key", "--name", "a", "--name", "b" }, "--name is given twice")]
    [InlineData(new[] { "create-server-key", "--name", "a", "--role", "Admin" }, "does not take --role")]
    [InlineData(new[] { "create-server-key", "name" }, "Unexpected argument 'name'")]
    [InlineData(new[] { "create-operator", "--email", "a@b.c", "--password", "long enough pass" }, "needs --role")]
    [InlineData(new[] { "create-operator", "--email", "a@b.c", "--password", "long enough pass", "--role", "Owner" }, "--role must be one of: Admin, Viewer")]
    public async Task Bad_arguments_exit_2_with_a_clear_error(string[] args, string message)
    {
        Assert.Equal(CliCommand.Usage, await RunAsync(args));

        Assert.Contains(message, _err.ToString());
        Assert.Equal("", _out.ToString());
        Assert.False(File.Exists(_db)); // nothing was touched
    }

    [Fact]
    public async Task Create_server_key_prints_only_the_key_and_the_key_works()
    {
        Assert.Equal(CliCommand.Ok, await RunAsync("create-server-key", "--name", "ci"));

        var output = _out.ToString();
        var token = output.TrimEnd('\n');
        Assert.DoesNotContain('\n', token);
        Assert.StartsWith("cbl_", token);

        await using var app = new CybrLinkAppFactory(new Dictionary<string, string?> { ["ConnectionStrings:CybrLink"] = $"Data Source={_db}" });
        var key = await app.Services.GetRequiredService<ServerKeyService>().AuthenticateAsync(token);
        Assert.Equal("ci", key?.Name);
    }

    [Fact]
    public async Task Create_operator_creates_one_and_refuses_a_duplicate()
    {
        Assert.Equal(CliCommand.Ok, await RunAsync("create-operator", "--email", "ops@example.com", "--password", "correct horse battery", "--role", "viewer"));
        Assert.Equal(CliCommand.Failed, await RunAsync("create-operator", "--email", "ops@example.com", "--password", "correct horse battery", "--role", "Admin"));

        Assert.Contains("already exists", _err.ToString());
    }

    [Fact]
    public async Task Create_operator_reports_a_weak_password()
    {
        Assert.Equal(CliCommand.Failed, await RunAsync("create-operator", "--email", "ops@example.com", "--password", "short", "--role", "Admin"));

        Assert.Contains("at least 12 characters", _err.ToString());
    }
}
