// Load generator for the agent path: the same echo call through CybrLink's action endpoint, through its proxy
// endpoint, and straight to the sandbox's /proxy, at concurrency 1 and 64; and the same action as an MCP tools/call
// beside the action endpoint at concurrency 1 and 32. Reports latency, throughput and the CPU each server process
// spent per call (from /proc/<pid>/stat).
// Usage: dotnet run -c Release bench/AgentLoad.cs -- <cybrlink-url> <server-key> <agent-key> <sandbox-url> <sandbox-secret>
//        <cybrlink-pid> <sandbox-pid> <calls-at-1> <calls-at-64 (and at 32)>
#:package ModelContextProtocol
#:property PublishAot=false
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;

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
var actionBody = JsonSerializer.Serialize(new { connection_id = connectionId, input = new { } });
HttpRequestMessage Action() => new(HttpMethod.Post, $"{cybrlink}/api/v1/agent/actions/sandbox-mail/list_messages")
{
    Headers = { Authorization = agent },
    Content = new StringContent(actionBody, Encoding.UTF8, "application/json"),
};
HttpRequestMessage Proxy() => new(HttpMethod.Get, $"{cybrlink}/api/v1/agent/proxy/{connectionId}/messages?limit=10") { Headers = { Authorization = agent } };
HttpRequestMessage Direct()
{
    var request = new HttpRequestMessage(HttpMethod.Get, $"{sandbox}/proxy/messages?limit=10") { Headers = { Authorization = new("Bearer", sandboxSecret) } };
    request.Headers.Add("Connection-Id", nangoId);
    request.Headers.Add("Provider-Config-Key", "sandbox-mail");
    return request;
}

// MCP: one session per concurrent caller (an agent conversation each), opened with the agent key for the bench user.
const string McpName = "CybrLink MCP tools/call";
const int McpConcurrency = 32;
var mcpClients = new McpClient[McpConcurrency];
for (var i = 0; i < McpConcurrency; i++)
{
    mcpClients[i] = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri($"{cybrlink}/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + agentKey, ["CybrLink-End-User"] = "bench-user" },
    }, http, ownsHttpClient: false));
}

var noArguments = new Dictionary<string, object?>();
async Task ToolCall(int worker)
{
    var result = await mcpClients[worker].CallToolAsync("sandbox-mail__list_messages", noArguments);
    if (result.IsError == true) throw new InvalidOperationException("MCP tool error: " + JsonSerializer.Serialize(result.Content));
}

Func<int, Task> Http(Func<HttpRequestMessage> make) => async _ =>
{
    using var request = make();
    using var response = await http.SendAsync(request);
    await response.Content.CopyToAsync(Stream.Null);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"HTTP {(int)response.StatusCode} from {request.RequestUri}");
};

var targets = new (string Name, Func<int, Task> Call, bool ThroughCybrLink, int[] Concurrencies)[]
{
    ("sandbox /proxy (direct)", Http(Direct), false, [1, 64]), ("CybrLink proxy", Http(Proxy), true, [1, 64]),
    ("CybrLink action", Http(Action), true, [1, McpConcurrency, 64]), (McpName, ToolCall, true, [1, McpConcurrency]),
};
foreach (var (_, call, through, _) in targets)
{
    await Run(call, 1, 300, through);  // warm-up
}

var results = new Dictionary<(string, int), (double P50, double P99, double PerSecond, double CybrLinkCpuMs, double SandboxCpuMs)>();
foreach (var concurrency in new[] { 1, McpConcurrency, 64 })
{
    foreach (var (name, call, through, levels) in targets.Where(t => t.Concurrencies.Contains(concurrency)))
    {
        var calls = concurrency == 1 ? callsAt1 : callsAt64;
        var (cpuC0, cpuS0) = (Cpu(cybrlinkPid), Cpu(sandboxPid));
        var (p50, p99, perSecond) = await Run(call, concurrency, calls, through);
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
var (mcp1, mcp32) = (results[(McpName, 1)], results[(McpName, McpConcurrency)]);
var (action1, action32) = (results[("CybrLink action", 1)], results[("CybrLink action", McpConcurrency)]);
Console.WriteLine($"{McpName}: vs the action endpoint at c=1 p50 {mcp1.P50 - action1.P50:+0.000;-0.000} ms, p99 {mcp1.P99 - action1.P99:+0.000;-0.000} ms; " +
    $"throughput at c={McpConcurrency} {mcp32.PerSecond:0}/s (action {action32.PerSecond:0}/s); " +
    $"CybrLink CPU {mcp32.CybrLinkCpuMs:0.000} ms/call (action {action32.CybrLinkCpuMs:0.000} ms/call)");
foreach (var client in mcpClients)
{
    await client.DisposeAsync();
}
Console.WriteLine($"agent_requests {agentCalls}");

async Task<(double P50, double P99, double PerSecond)> Run(Func<int, Task> call, int concurrency, int total, bool throughCybrLink)
{
    var latencies = new double[total];
    var next = -1;
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            var sw = Stopwatch.StartNew();
            // Counted before the call: a failed call still wrote its audit row.
            if (throughCybrLink) Interlocked.Increment(ref agentCalls);
            await call(worker);
            latencies[i] = sw.Elapsed.TotalMilliseconds;
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
