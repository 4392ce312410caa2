// Load generator for the Connect UI page: N concurrent GETs of /connect with a session cookie.
// Usage: dotnet run ConnectLoad.cs -- <base-url> <cookie-header> <concurrency> <rounds>
using System.Diagnostics;
using System.Net;

var baseUrl = args[0].TrimEnd('/');
var cookie = args[1];
var concurrency = int.Parse(args[2]);
var rounds = int.Parse(args[3]);

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    UseCookies = false,
    AllowAutoRedirect = false,
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
})
{ Timeout = TimeSpan.FromSeconds(60) };

for (var round = 1; round <= rounds; round++)
{
    var latencies = new double[concurrency];
    var errors = 0;
    var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var wall = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, concurrency).Select(async i =>
    {
        await start.Task;
        var sw = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/connect");
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Accept-Language", "en");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains("connect-button"))
            {
                Interlocked.Increment(ref errors);
            }
        }
        catch (Exception)
        {
            Interlocked.Increment(ref errors);
        }

        latencies[i] = sw.Elapsed.TotalMilliseconds;
    }).ToArray();
    wall.Restart();
    start.SetResult();
    await Task.WhenAll(tasks);
    var elapsed = wall.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
    Console.WriteLine(
        $"round {round}: {concurrency} concurrent loads, {errors} errors, p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, " +
        $"max {latencies[^1]:0.0} ms, {concurrency / elapsed:0} req/s");
}
