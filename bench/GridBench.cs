// Benchmark of the console's grid queries and GET /api/v1/connections: the first page of each, with the filters an
// operator uses, on a database seed-demo filled. Prints p50 / p95 / max in ms over <runs> runs after 3 warm-ups.
// Usage: dotnet run -c Release bench/GridBench.cs -- <sqlite-file> <cybrlink-url> <server-key> [runs=30]
// Another grid (agent calls, audit) is one more line in `cases`.
#:project ../CybrLink.Core/CybrLink.Core.csproj
#:package Microsoft.EntityFrameworkCore.Sqlite
#:property PublishAot=false
using System.Diagnostics;
using System.Net.Http.Headers;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

var (file, baseUrl, key) = (args[0], args[1].TrimEnd('/'), args[2]);
var runs = args.Length > 3 ? int.Parse(args[3]) : 30;
var options = new DbContextOptionsBuilder<CybrLinkDbContext>().UseSqlite($"Data Source={file}").Options;
var factory = new PooledDbContextFactory<CybrLinkDbContext>(options);
var connections = new ConnectionQuery(factory);
var endUsers = new EndUserQuery(factory);
var calls = new AgentCallQuery(factory);
using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

// Filter values a person would pick: the busiest integration, an organization, a common name prefix.
string integration, organization;
Guid agent;
await using (var db = await factory.CreateDbContextAsync())
{
    agent = await db.Agents.OrderBy(a => a.Name).Select(a => a.Id).FirstAsync();
    integration = await db.Integrations.OrderBy(i => i.Key).Select(i => i.Key).FirstAsync();
    organization = await db.EndUsers.Where(u => u.OrganizationId != null).OrderBy(u => u.Id).Select(u => u.OrganizationId!).FirstAsync();
}

var newest = ConnectionSort.NewestFirst;
(string Name, Func<Task<int>> Run)[] cases =
[
    ("connections: no filter", async () => (await connections.PageAsync(new(), newest, 0, 50)).Items.Count),
    ($"connections: integration={integration}", async () => (await connections.PageAsync(new(Integration: integration), newest, 0, 50)).Items.Count),
    ("connections: status=error", async () => (await connections.PageAsync(new(Status: ConnectionStatus.Error), newest, 0, 50)).Items.Count),
    ($"connections: org={organization}", async () => (await connections.PageAsync(new(OrganizationId: organization), newest, 0, 50)).Items.Count),
    ("connections: search 'mar'", async () => (await connections.PageAsync(new(Search: "mar"), newest, 0, 50)).Items.Count),
    ("connections: search 'maria.g'", async () => (await connections.PageAsync(new(Search: "maria.g"), newest, 0, 50)).Items.Count),
    ("connections: integration+status", async () => (await connections.PageAsync(new(Integration: integration, Status: ConnectionStatus.Active), newest, 0, 50)).Items.Count),
    ("end users: no filter", async () => (await endUsers.PageAsync(new(), new(), 0, 50)).Items.Count),
    ("end users: search 'mar'", async () => (await endUsers.PageAsync(new(Search: "mar"), new(), 0, 50)).Items.Count),
    ("end users: org", async () => (await endUsers.PageAsync(new(OrganizationId: organization), new(), 0, 50)).Items.Count),
    // The agent-call grid's first page is its rows plus its (capped) count.
    ("agent calls: no filter", async () => (await calls.PageAsync(new(), 0, 50)).Count + (await calls.CountAsync(new())).Value * 0),
    ("agent calls: decision=denied", async () => (await calls.PageAsync(new(Decision: "denied"), 0, 50)).Count + (await calls.CountAsync(new(Decision: "denied"))).Value * 0),
    ("agent calls: one agent", async () => (await calls.PageAsync(new(AgentId: agent), 0, 50)).Count + (await calls.CountAsync(new(AgentId: agent))).Value * 0),
    ($"agent calls: integration={integration}", async () => (await calls.PageAsync(new(Integration: integration), 0, 50)).Count + (await calls.CountAsync(new(Integration: integration))).Value * 0),
    ("GET /api/v1/connections", () => GetAsync("/api/v1/connections")),
    ($"GET /api/v1/connections?integration={integration}", () => GetAsync($"/api/v1/connections?integration={integration}")),
    ("GET /api/v1/connections?end_user_id=demo-u-0000042", () => GetAsync("/api/v1/connections?end_user_id=demo-u-0000042")),
];

Console.WriteLine($"{"query",-52} {"rows",5} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
foreach (var (name, run) in cases)
{
    var rows = 0;
    for (var i = 0; i < 3; i++)
    {
        rows = await run();
    }

    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        await run();
        times[i] = clock.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    double P(double q) => times[Math.Min(runs - 1, (int)Math.Ceiling(q * runs) - 1)];
    Console.WriteLine($"{name,-52} {rows,5} {P(0.5),8:0.0} {P(0.95),8:0.0} {times[^1],8:0.0}");
}

async Task<int> GetAsync(string path)
{
    using var response = await http.GetAsync(path);
    response.EnsureSuccessStatusCode();
    var body = await response.Content.ReadAsStringAsync();
    return body.Split("\"id\":").Length - 1;
}
