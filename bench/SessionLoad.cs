// Load generator for connect-session creation: <concurrency> workers POST /api/v1/connect-sessions until <total> are
// created, spread round-robin over one or more CybrLink instances.
// Usage: dotnet run SessionLoad.cs -- <server-key> <concurrency> <total> <base-url> [<base-url> ...]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

var key = args[0];
var concurrency = int.Parse(args[1]);
var total = int.Parse(args[2]);
var bases = args[3..].Select(b => b.TrimEnd('/')).ToArray();

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseCookies = false })
{ Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

var latencies = new double[total];
var next = -1;
var errors = 0;
var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
var wall = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < total)
    {
        var body = $$"""{"end_user":{"id":"load-{{i}}","email":"u{{i}}@example.com"},"integration":"sandbox-mail"}""";
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await http.PostAsync(bases[i % bases.Length] + "/api/v1/connect-sessions",
                new StringContent(body, Encoding.UTF8, "application/json"));
            if ((int)response.StatusCode != 201)
            {
                Interlocked.Increment(ref errors);
                failures.AddOrUpdate($"HTTP {(int)response.StatusCode}", 1, (_, n) => n + 1);
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref errors);
            failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
        }

        latencies[i] = sw.Elapsed.TotalMilliseconds;
    }
}));
var elapsed = wall.Elapsed.TotalSeconds;
Array.Sort(latencies);
double P(double q) => latencies[Math.Min(total - 1, (int)Math.Ceiling(q * total) - 1)];
Console.WriteLine(
    $"{bases.Length} instance(s), concurrency {concurrency}: {total} sessions, {errors} errors, {total / elapsed:0} sessions/s, " +
    $"p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms" +
    (failures.IsEmpty ? "" : " (" + string.Join(", ", failures.Select(f => $"{f.Key}: {f.Value}")) + ")"));
