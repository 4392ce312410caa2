// Load generator for the agent path: the same echo call through CybrLink's action endpoint, through its proxy
// endpoint, and straight to the sandbox's /proxy, at concurrency 1 and 64. Reports latency, throughput and the CPU
// each server process spent per call (from /proc/<pid>/stat).
// Usage: dotnet run -c Release bench/AgentLoad.cs -- <cybrlink-url> <server-key> <agent-key> <sandbox-url> <sandbox-secret>
//        <cybrlink-pid> <sandbox-pid> <calls-at-1> <calls-at-64>
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

var (cybrlink, serverKey, agentKey, sandbox, sandboxSecret) = (args[0].TrimEnd('/'), args[1], args[2], args[3].TrimEnd('/'), args[4]);
var (cybrlinkPid, sandboxPid) = (int.Parse(args[5]), int.Parse(args[6]));
var (callsAt1, callsAt64) = (int.Parse(args[7]), int.Parse(args[8]));

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
var agentCalls = 0L;

// Setup through the server API: catalog, a policy for the bench agent, one connection made by a connect session.
var server = new AuthenticationHeaderValue("Bearer", serverKey);
await Send(HttpMethod.Post, $"{cybrlink}/api/v1/integrations/refresh", server);
var agents = JsonDocument.Parse(await Send(HttpMethod.Get, $"{cybrlink}/api/v1/agents", server)).RootElement;
var agentList = agents.ValueKind == JsonValueKind.Array ? agents : agents.GetProperty("data");
var agentId = agentList.EnumerateArray().First(a => a.GetProperty("name").GetString() == "bench").GetProperty("id").GetString();
await Send(HttpMethod.Put, $"{cybrlink}/api/v1/agents/{agentId}/policy", server, """
    {"rules":[{"id":"bench","integration":"sandbox-mail","end_users":"*","actions":["list_messages"],
               "proxy":[{"methods":["GET"],"paths":["/messages/**"]}]}]}
    """);
var session = JsonDocument.Parse(await Send(HttpMethod.Post, $"{cybrlink}/api/v1/connect-sessions", server,
    """{"end_user":{"id":"bench-user"},"integration":"sandbox-mail"}""")).RootElement;
var sessionId = session.GetProperty("id").GetString();
var nangoId = "bench-" + Guid.NewGuid().ToString("N");
await Send(HttpMethod.Post, $"{sandbox}/connections", new AuthenticationHeaderValue("Bearer", sandboxSecret), JsonSerializer.Serialize(new
{
    provider_config_key = "sandbox-mail", connection_id = nangoId,
    credentials = new { type = "OAUTH2", access_token = "sbx_canary_bench" },
    tags = new Dictionary<string, string> { ["cybrlink_session_id"] = sessionId!, ["end_user_id"] = "bench-user" },
}));
string? connectionId = null;
for (var i = 0; i < 100 && connectionId is null; i++)
{
    // Nango's auth webhook records the connection; the session then reports it.
    var view = JsonDocument.Parse(await Send(HttpMethod.Get, $"{cybrlink}/api/v1/connect-sessions/{sessionId}", server)).RootElement;
    connectionId = view.GetProperty("connection_id").ValueKind == JsonValueKind.String ? view.GetProperty("connection_id").GetString() : null;
    if (connectionId is null) await Task.Delay(100);
}
if (connectionId is null) throw new InvalidOperationException("the connection never reached CybrLink (webhook)");

var agent = new AuthenticationHeaderValue("Bearer", agentKey);
HttpRequestMessage Action() => new(HttpMethod.Post, $"{cybrlink}/api/v1/agent/actions/sandbox-mail/list_messages")
{
    Headers = { Authorization = agent },
    Content = new StringContent(JsonSerializer.Serialize(new { connection_id = connectionId, input = new { } }), Encoding.UTF8, "application/json"),
};
HttpRequestMessage Proxy() => new(HttpMethod.Get, $"{cybrlink}/api/v1/agent/proxy/{connectionId}/messages?limit=10") { Headers = { Authorization = agent } };
HttpRequestMessage Direct()
{
    var request = new HttpRequestMessage(HttpMethod.Get, $"{sandbox}/proxy/messages?limit=10") { Headers = { Authorization = new("Bearer", sandboxSecret) } };
    request.Headers.Add("Connection-Id", nangoId);
    request.Headers.Add("Provider-Config-Key", "sandbox-mail");
    return request;
}

var targets = new (string Name, Func<HttpRequestMessage> Make, bool ThroughCybrLink)[]
{
    ("sandbox /proxy (direct)", Direct, false), ("CybrLink proxy", Proxy, true), ("CybrLink action", Action, true),
};
foreach (var (_, make, through) in targets)
{
    await Run(make, 1, 300, through);  // warm-up
}

var results = new Dictionary<(string, int), (double P50, double P99, double PerSecond, double CybrLinkCpuMs, double SandboxCpuMs)>();
foreach (var concurrency in new[] { 1, 64 })
{
    foreach (var (name, make, through) in targets)
    {
        var calls = concurrency == 1 ? callsAt1 : callsAt64;
        var (cpuC0, cpuS0) = (Cpu(cybrlinkPid), Cpu(sandboxPid));
        var (p50, p99, perSecond) = await Run(make, concurrency, calls, through);
        var (cpuC1, cpuS1) = (Cpu(cybrlinkPid), Cpu(sandboxPid));
        results[(name, concurrency)] = (p50, p99, perSecond, (cpuC1 - cpuC0) / calls, (cpuS1 - cpuS0) / calls);
        Console.WriteLine($"{name,-24} c={concurrency,-3} {calls,6} calls  p50 {p50,7:0.000} ms  p99 {p99,7:0.000} ms  {perSecond,7:0} calls/s  " +
            $"CPU/call CybrLink {(cpuC1 - cpuC0) / calls:0.000} ms, sandbox {(cpuS1 - cpuS0) / calls:0.000} ms");
    }
}

var direct1 = results[("sandbox /proxy (direct)", 1)];
foreach (var name in new[] { "CybrLink proxy", "CybrLink action" })
{
    var r = results[(name, 1)];
    var sandboxPerProxied = results[("sandbox /proxy (direct)", 64)].SandboxCpuMs;
    Console.WriteLine($"{name}: added latency at c=1 p50 {r.P50 - direct1.P50:0.000} ms, p99 {r.P99 - direct1.P99:0.000} ms; " +
        $"throughput at c=64 {results[(name, 64)].PerSecond:0}/s (direct {results[("sandbox /proxy (direct)", 64)].PerSecond:0}/s); " +
        $"CybrLink CPU {results[(name, 64)].CybrLinkCpuMs:0.000} ms/call vs the sandbox's own {sandboxPerProxied:0.000} ms per proxied call");
}
Console.WriteLine($"agent_requests {agentCalls}");

async Task<(double P50, double P99, double PerSecond)> Run(Func<HttpRequestMessage> make, int concurrency, int total, bool throughCybrLink)
{
    var latencies = new double[total];
    var next = -1;
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            using var request = make();
            var sw = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            await response.Content.CopyToAsync(Stream.Null);
            latencies[i] = sw.Elapsed.TotalMilliseconds;
            if (throughCybrLink) Interlocked.Increment(ref agentCalls);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"HTTP {(int)response.StatusCode} from {request.RequestUri}");
        }
    }));
    var seconds = wall.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    double P(double q) => latencies[Math.Min(total - 1, (int)Math.Ceiling(q * total) - 1)];
    return (P(0.50), P(0.99), total / seconds);
}

// utime + stime of a process, in milliseconds (clock ticks are 100 per second on Linux).
static double Cpu(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
}

async Task<string> Send(HttpMethod method, string url, AuthenticationHeaderValue auth, string? json = null)
{
    using var request = new HttpRequestMessage(method, url) { Headers = { Authorization = auth } };
    if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
    return text;
}
