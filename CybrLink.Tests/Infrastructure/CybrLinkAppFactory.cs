using System.Net;
using System.Net.Http.Headers;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.ServerKeys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace CybrLink.Tests.Infrastructure;

/// <summary>
/// A CybrLink host that owns its world: its own database (a temp SQLite file, or a fresh PostgreSQL database),
/// captured logs, and settings given by the test. With <see cref="UseRealServer"/> it listens on 127.0.0.1 (for
/// browsers and the sandbox); otherwise in memory. Hosts given a <c>sharedDatabase</c> use it and leave it to the test.
/// </summary>
public class CybrLinkAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _ownsDatabase;

    /// <param name="configureServices">Runs after the app's own registrations (e.g. to swap <see cref="TimeProvider"/>).</param>
    /// <param name="port">With a real server: the loopback port (0 = any free one).</param>
    public CybrLinkAppFactory(
        IReadOnlyDictionary<string, string?>? settings = null, bool useRealServer = false, Action<IServiceCollection>? configureServices = null,
        int port = 0, TestDatabaseProvider provider = TestDatabaseProvider.Sqlite, TestDatabase? sharedDatabase = null)
    {
        _configureServices = configureServices;
        _ownsDatabase = sharedDatabase is null;
        Database = sharedDatabase ?? TestDatabase.Create(provider);
        _settings = new Dictionary<string, string?>(Database.Settings)
        {
            ["Sandbox:Enabled"] = "false",
            // A closed port unless the test gives a Nango: nothing here may reach a real one.
            ["Nango:BaseUrl"] = "http://127.0.0.1:9",
            ["Nango:SecretKey"] = "0f8fad5b-d9cb-469f-a165-70867728950e",
            ["Nango:WebhookSigningKey"] = "test-webhook-signing-key",
            // Tests run reconciliation themselves, when they mean to.
            ["Nango:BackgroundSync"] = "false",
            ["Nango:RetryDelayMilliseconds"] = "10",
        };
        // Every test request comes from one address: rate limits stay out of the way unless a test sets one.
        foreach (var limit in new[] { "SignInPerAddress", "SignInPerAccountAndAddress", "SignInPerAccount", "SetupPerAddress", "ConnectPerAddress", "ApiPerKey", "ApiPerAddress" })
        {
            _settings[$"RateLimits:{limit}:PermitLimit"] = "1000000";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseRealServer = useRealServer;
        if (useRealServer)
        {
            UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        }
    }

    public TestDatabase Database { get; }
    public bool UseRealServer { get; }
    public CapturedLogs Logs { get; } = new();


    /// <summary>The real server's base URL (starts it). Only with <see cref="UseRealServer"/>.</summary>
    public string BaseUrl
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    /// <summary>Mints a server key straight through the service, as the console or CLI would.</summary>
    public async Task<string> CreateServerKeyAsync(string name = "test key")
    {
        var created = await Services.GetRequiredService<ServerKeyService>().CreateAsync(name, "tests");
        return created.Token;
    }

    /// <summary>Mints an agent key straight through the services, creating the agent (or reusing the active one of that name).</summary>
    public async Task<string> CreateAgentKeyAsync(string agentName = "test agent")
    {
        var agents = Services.GetRequiredService<AgentService>();
        var agent = await agents.FindActiveByNameAsync(agentName)
            ?? await agents.CreateAsync(new CreateAgentCommand(agentName), AuditActor.System);
        var created = await Services.GetRequiredService<AgentKeys>().CreateAsync(agent.Id, new CreateAgentKeyCommand(), AuditActor.System);
        return created.Secret;
    }

    /// <summary>Everything in the database as text, for scans that prove a secret is not in it.</summary>
    public string ReadDatabaseText() => Database.ReadAllText();

    public HttpClient CreateClientWithKey(string token)
    {
        var client = UseRealServer ? new HttpClient { BaseAddress = new Uri(BaseUrl) } : CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
