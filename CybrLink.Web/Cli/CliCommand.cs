using CybrLink.Core;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Demo;
using CybrLink.Core.Operators;
using CybrLink.Core.ServerKeys;
using CybrLink.Web.Infrastructure;

namespace CybrLink.Web.Cli;

/// <summary>
/// Management verbs run by the same executable instead of the server:
/// <c>dotnet run --project CybrLink.Web -- &lt;verb&gt; [options]</c>.
/// </summary>
public static class CliCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string Help = """
        Usage: CybrLink.Web <verb> [options]     (no verb: run the server)

        Verbs:
          migrate                                         Create or upgrade the database.
          create-operator --email E --password P --role Admin|Viewer
                                                          Create a console operator.
          create-server-key --name N                      Create a server API key; prints the key once, nothing else.
          create-agent --name N [--description D]         Create the agent (or reuse the active one of that name) and
                                                          print a new agent key for it once, nothing else.
          seed-demo --end-users N --connections N --calls N [--sessions N]
                                                          Fill the database with demo data (fixed seed: the same every
                                                          run): end users, connections marked demo (never sent to Nango),
                                                          connect sessions (default: a tenth of the connections) and
                                                          agent calls. Once per database.
          verify-audit                                    Recompute the audit hash chain: exit 0 when intact, 1 naming
                                                          the first broken row.
          --help                                          Show this help.
        """;

    private static readonly string[] Verbs = ["migrate", "create-operator", "create-server-key", "create-agent", "seed-demo", "verify-audit", "help", "--help", "-h"];

    /// <summary>A verb (or an unknown word) comes first; server options such as <c>--urls</c> do not make a command.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Verbs.Contains(args[0]) || !args[0].StartsWith('-'));

    /// <param name="settings">Configuration that wins over appsettings and the environment (tests).</param>
    public static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var verb = args[0];
        if (verb is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Help);
            return Ok;
        }

        if (!Verbs.Contains(verb))
        {
            return await UsageErrorAsync(stderr, $"Unknown verb '{verb}'.");
        }

        if (!TryParseOptions(args.AsSpan(1), out var options, out var error))
        {
            return await UsageErrorAsync(stderr, error);
        }

        var required = verb switch
        {
            "create-operator" => new[] { "email", "password", "role" },
            "create-server-key" or "create-agent" => ["name"],
            "seed-demo" => ["end-users", "connections", "calls"],
            _ => [],
        };
        string[] optional = verb switch
        {
            "create-agent" => ["description"],
            "seed-demo" => ["sessions"],
            _ => [],
        };
        var unknown = options.Keys.Except(required).Except(optional).FirstOrDefault();
        if (unknown is not null)
        {
            return await UsageErrorAsync(stderr, $"'{verb}' does not take --{unknown}.");
        }

        var missing = required.FirstOrDefault(r => string.IsNullOrWhiteSpace(options.GetValueOrDefault(r)));
        if (missing is not null)
        {
            return await UsageErrorAsync(stderr, $"'{verb}' needs --{missing}.");
        }

        if (verb == "create-operator" && OperatorRoles.Normalize(options["role"]) is null)
        {
            return await UsageErrorAsync(stderr, $"--role must be one of: {string.Join(", ", OperatorRoles.All)}.");
        }

        if (verb == "create-server-key" && options["name"].Trim().Length > ServerKeyService.MaxNameLength)
        {
            return await UsageErrorAsync(stderr, $"--name has at most {ServerKeyService.MaxNameLength} characters.");
        }

        if (verb == "create-agent" && CheckAgent(options) is { } invalid)
        {
            return await UsageErrorAsync(stderr, invalid);
        }

        DemoSeedRequest? demo = null;
        if (verb == "seed-demo" && !DemoCommand.TryParse(options, out demo, out var badCount))
        {
            return await UsageErrorAsync(stderr, badCount);
        }

        IHost host;
        try
        {
            host = BuildHost(settings);
            host.Services.ValidateDatabaseSettings();
        }
        catch (ConfigurationProblemException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Failed;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await stderr.WriteLineAsync($"error: {string.Join(" ", StartupErrors.Sentences(e))}");
            return Failed;
        }

        using var _ = host;
        if (verb == "migrate")
        {
            await host.Services.MigrateDatabaseAsync();
        }
        else
        {
            await host.Services.MigrateDatabaseOnStartAsync();
        }

        return verb switch
        {
            "migrate" => await WriteAsync(stderr, "Database is up to date.", Ok),
            "create-operator" => await CreateOperatorAsync(host.Services, options, stderr),
            "create-agent" => await CreateAgentKeyAsync(host.Services, options, stdout, stderr),
            "seed-demo" => await DemoCommand.RunAsync(host.Services, demo!, stdout, stderr),
            "verify-audit" => await VerifyAuditAsync(host.Services, stdout, stderr),
            _ => await CreateServerKeyAsync(host.Services, options["name"], stdout),
        };
    }

    private static async Task<int> CreateOperatorAsync(IServiceProvider services, Dictionary<string, string> options, TextWriter stderr)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OperatorService>()
            .CreateAsync(options["email"], options["password"], options["role"], AuditActor.Cli);
        return result.Succeeded
            ? await WriteAsync(stderr, $"Operator {options["email"]} created.", Ok)
            : await WriteAsync(stderr, "error: " + string.Join(" ", result.Errors), Failed);
    }

    private static async Task<int> CreateServerKeyAsync(IServiceProvider services, string name, TextWriter stdout)
    {
        var created = await services.GetRequiredService<ServerKeyService>().CreateAsync(name, createdBy: "cli");
        // Only the key on stdout, so scripts can capture it: KEY=$(... create-server-key --name ci)
        await stdout.WriteLineAsync(created.Token);
        return Ok;
    }

    private static async Task<int> VerifyAuditAsync(IServiceProvider services, TextWriter stdout, TextWriter stderr)
    {
        var report = await services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        if (report.Intact)
        {
            var range = report.Count > 0 ? $" (#{report.FirstSequence}..#{report.LastSequence})" : "";
            return await WriteAsync(stdout, $"chain intact, {report.Count} events{range}", Ok);
        }

        var id = report.BrokenId is { } broken ? $"id {broken}" : "id none: the row is missing";
        return await WriteAsync(stderr, $"chain broken at row #{report.BrokenSequence} ({id}): {report.Reason}", Failed);
    }

    private static string? CheckAgent(Dictionary<string, string> options)
    {
        try
        {
            AgentValidator.Name(options["name"]);
            AgentValidator.Description(options.GetValueOrDefault("description"));
            return null;
        }
        catch (AgentValidationException e)
        {
            return $"--{e.Field}: {e.Message}";
        }
    }

    private static async Task<int> CreateAgentKeyAsync(
        IServiceProvider services, Dictionary<string, string> options, TextWriter stdout, TextWriter stderr)
    {
        var agents = services.GetRequiredService<AgentService>();
        var name = AgentValidator.Name(options["name"]);
        try
        {
            var agent = await agents.FindActiveByNameAsync(name)
                ?? await agents.CreateAsync(new CreateAgentCommand(name, options.GetValueOrDefault("description")), AuditActor.Cli);
            var created = await services.GetRequiredService<AgentKeys>()
                .CreateAsync(agent.Id, new CreateAgentKeyCommand("cli"), AuditActor.Cli);
            // Only the key on stdout, so scripts can capture it: KEY=$(... create-agent --name support-bot)
            await stdout.WriteLineAsync(created.Secret);
            return Ok;
        }
        catch (AgentProblemException e) when (e.Problem is AgentProblem.NameTaken or AgentProblem.Disabled)
        {
            // Note: a disabled agent is not quietly re-activated from the command line; that is a decision for the API.
            return await WriteAsync(stderr, $"error: the agent '{name}' is disabled; re-activate it (PATCH /api/v1/agents/{{id}}) first.", Failed);
        }
    }

    private static IHost BuildHost(IReadOnlyDictionary<string, string?>? settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCybrLinkDatabase();
        builder.AddCybrLinkCore();
        builder.Services.AddOperatorStore();
        return builder.Build();
    }

    private static bool TryParseOptions(ReadOnlySpan<string> args, out Dictionary<string, string> options, out string error)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                error = $"Unexpected argument '{args[i]}'.";
                return false;
            }

            var name = args[i][2..];
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"--{name} needs a value.";
                return false;
            }

            if (!options.TryAdd(name, args[++i]))
            {
                error = $"--{name} is given twice.";
                return false;
            }
        }

        return true;
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"error: {message}");
        await stderr.WriteLineAsync("Run with --help to list the verbs.");
        return Usage;
    }

    private static async Task<int> WriteAsync(TextWriter writer, string message, int code)
    {
        await writer.WriteLineAsync(message);
        return code;
    }
}
