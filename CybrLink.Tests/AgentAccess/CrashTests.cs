using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Tests.AgentAccess;

/// <summary>
/// CybrLink as its own process, killed with SIGKILL while agents are calling: after a restart, every call that got a
/// 2xx has its audit row (the row is committed before the answer's first byte).
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("cybrlink-crash-").FullName;
    private RunningSandbox _sandbox = null!;

    private string DatabasePath => Path.Combine(_workDir, "cybrlink.db");

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task After_kill_9_every_answered_call_has_its_audit_row()
    {
        var serverKey = (await RunCliAsync("create-server-key", "--name", "crash")).Trim();
        var agentKey = (await RunCliAsync("create-agent", "--name", "crash-agent")).Trim();

        var (server, baseUrl) = StartServer();
        var answered = new ConcurrentBag<string>();
        try
        {
            await WaitReadyAsync(server, baseUrl);
            var connectionId = await PrepareAsync(baseUrl, serverKey);

            using var agent = new HttpClient { BaseAddress = baseUrl };
            agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agentKey);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await agent.GetAsync($"/api/v1/agent/proxy/{connectionId}/messages/inbox", stop.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            answered.Add(response.Headers.GetValues("CybrLink-Request-Id").Single());
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return;
                    }
                }
            })).ToList();

            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (answered.Count < 300 && await timer.WaitForNextTickAsync(enough.Token))
            {
            }

            // Mid-flight: Process.Kill is SIGKILL on Linux; the process gets no chance to flush anything.
            server.Kill();
            await server.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            server.Dispose();
        }

        // The restarted server opens the same database; every 2xx the agents saw is in the audit.
        var (restarted, restartedUrl) = StartServer();
        try
        {
            await WaitReadyAsync(restarted, restartedUrl);
            await using var db = OpenDatabase();
            var recorded = (await db.AgentCalls.Select(c => c.RequestId).ToListAsync()).ToHashSet();
            var missing = answered.Where(id => !recorded.Contains(id)).ToList();
            Assert.True(answered.Count >= 300, $"only {answered.Count} calls were answered before the kill");
            Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered calls have no audit row");
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }
    }

    /// <summary>The catalog, a policy that allows reading mail, and one end user's connection (in Nango and CybrLink).</summary>
    private async Task<Guid> PrepareAsync(Uri baseUrl, string serverKey)
    {
        using var api = new HttpClient { BaseAddress = baseUrl };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", serverKey);
        (await api.PostAsync("/api/v1/integrations/refresh", null)).EnsureSuccessStatusCode();
        var agents = await api.GetFromJsonAsync<JsonElement>("/api/v1/agents");
        var list = agents.ValueKind == JsonValueKind.Array ? agents : agents.GetProperty("data");
        var agentId = list.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "crash-agent").GetProperty("id").GetGuid();
        using var policy = await api.PutAsJsonAsync($"/api/v1/agents/{agentId}/policy", new
        {
            rules = new[]
            {
                new { id = "read", integration = "sandbox-mail", end_users = "*", proxy = new[] { new { methods = new[] { "GET" }, paths = new[] { "/messages/**" } } } },
            },
        });
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());

        const string nangoId = "crash-conn";
        using var nango = new HttpClient();
        using var import = new HttpRequestMessage(HttpMethod.Post, _sandbox.BaseUrl + "/connections")
        {
            Content = JsonContent.Create(new
            {
                provider_config_key = "sandbox-mail", connection_id = nangoId,
                credentials = new { type = "OAUTH2", access_token = "sbx_canary_crash" },
            }),
        };
        import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.SecretKey);
        (await nango.SendAsync(import)).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7();
        await using var db = OpenDatabase();
        db.EndUsers.Add(new EndUser { Id = "crash-user", CreatedAt = now, UpdatedAt = now });
        db.Connections.Add(new Connection
        {
            Id = id, NangoConnectionId = nangoId, IntegrationKey = "sandbox-mail", EndUserId = "crash-user",
            Status = ConnectionStatus.Active, CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync();
        return id;
    }

    private CybrLinkDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<CybrLinkDbContext>().UseSqlite($"Data Source={DatabasePath}").Options);

    private (Process Process, Uri BaseUrl) StartServer()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var process = Start([], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = baseUrl.ToString() });
        // Drained so a chatty log never blocks the process on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return (process, baseUrl);
    }

    private static async Task WaitReadyAsync(Process process, Uri baseUrl)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            Assert.False(process.HasExited, "CybrLink exited during start-up");
            try
            {
                using var ready = await http.GetAsync("/health/live", deadline.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }
    }

    private async Task<string> RunCliAsync(params string[] args)
    {
        using var process = Start(args, []);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }

    private Process Start(string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CybrLink.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__CybrLink"] = $"Data Source={DatabasePath}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Nango__BaseUrl"] = _sandbox.BaseUrl;
        start.Environment["Nango__SecretKey"] = _sandbox.Options.SecretKey;
        start.Environment["Nango__WebhookSigningKey"] = _sandbox.Options.WebhookSigningKey;
        start.Environment["Connect__PublicUrl"] = "https://cybrlink.example.com";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}
