using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Cli;

public sealed class CreateAgentCommandTests : IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"cybrlink-cli-{Guid.NewGuid():N}.db");
    private StringWriter _out = new();
    private StringWriter _err = new();

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

    private Dictionary<string, string?> Settings => new() { ["ConnectionStrings:CybrLink"] = $"Data Source={_db}" };

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        _out = new StringWriter();
        _err = new StringWriter();
        var exit = await CliCommand.RunAsync(args, _out, _err, Settings);
        return (exit, _out.ToString(), _err.ToString());
    }

    [Fact]
    public async Task Create_agent_prints_only_a_key_that_works_and_reuses_the_agent_the_second_time()
    {
        var (exit, output, _) = await RunAsync("create-agent", "--name", "support-bot", "--description", "Answers tickets.");
        var (againExit, againOutput, _) = await RunAsync("create-agent", "--name", "support-bot");

        Assert.Equal(CliCommand.Ok, exit);
        Assert.Equal(CliCommand.Ok, againExit);
        var first = output.TrimEnd('\n');
        var second = againOutput.TrimEnd('\n');
        Assert.Matches("^cbl_agent_[A-Za-z0-9_-]{43}$", first);
        Assert.Matches("^cbl_agent_[A-Za-z0-9_-]{43}$", second);
        Assert.NotEqual(first, second);

        await using var app = new CybrLinkAppFactory(Settings);
        var credentials = app.Services.GetRequiredService<AgentCredentials>();
        var one = await credentials.AuthenticateAsync(first, CancellationToken.None);
        var two = await credentials.AuthenticateAsync(second, CancellationToken.None);
        Assert.Equal("support-bot", one?.AgentName);
        Assert.Equal(one!.AgentId, two?.AgentId);
        var agent = Assert.Single(await app.Services.GetRequiredService<AgentService>().ListAsync());
        Assert.Equal("Answers tickets.", agent.Description);
        Assert.Equal(2, agent.Keys.Count);
    }

    [Fact]
    public async Task A_disabled_agent_of_that_name_is_an_error_and_gets_no_key()
    {
        Assert.Equal(CliCommand.Ok, (await RunAsync("create-agent", "--name", "retired-bot")).Exit);
        await using (var app = new CybrLinkAppFactory(Settings))
        {
            var agents = app.Services.GetRequiredService<AgentService>();
            var agent = Assert.Single(await agents.ListAsync());
            await agents.DisableAsync(agent.Id, AuditActor.System);
        }

        var (exit, output, error) = await RunAsync("create-agent", "--name", "retired-bot");

        Assert.Equal(CliCommand.Failed, exit);
        Assert.Equal("", output);
        Assert.Contains("disabled", error);
    }

    [Theory]
    [InlineData(new[] { "create-agent" }, "needs --name")]
    [InlineData(new[] { "create-agent", "--name", "bot", "--role", "Admin" }, "does not take --role")]
    [InlineData(new[] { "create-agent", "--name", "bot\u202Eexe" }, "--name:")]
    [InlineData(new[] { "create-agent", "--name", "bot", "--description", "bell\u0007" }, "--description:")]
    public async Task Bad_arguments_exit_2_and_touch_nothing(string[] args, string message)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CliCommand.Usage, exit);
        Assert.Contains(message, error);
        Assert.Equal("", output);
        Assert.False(File.Exists(_db));
    }

    [Fact]
    public async Task Help_lists_create_agent()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(CliCommand.Ok, exit);
        Assert.Contains("create-agent --name N [--description D]", output);
    }
}
