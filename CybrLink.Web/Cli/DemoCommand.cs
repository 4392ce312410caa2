using System.Globalization;
using CybrLink.Core.Demo;

namespace CybrLink.Web.Cli;

/// <summary>The <c>seed-demo</c> verb: parses the counts, runs <see cref="DemoSeeder"/>, prints progress and a summary.</summary>
internal static class DemoCommand
{
    public const int MaxCount = 10_000_000;

    public static bool TryParse(Dictionary<string, string> options, out DemoSeedRequest? request, out string error)
    {
        request = null;
        error = "";
        var counts = new Dictionary<string, int>();
        foreach (var (name, text) in options)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > MaxCount)
            {
                error = $"--{name} must be a whole number from 0 to {MaxCount:N0}.";
                return false;
            }

            counts[name] = count;
        }

        request = new DemoSeedRequest(counts["end-users"], counts["connections"], counts["calls"],
            counts.TryGetValue("sessions", out var sessions) ? sessions : null);
        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, DemoSeedRequest request, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var summary = await services.GetRequiredService<DemoSeeder>().SeedAsync(request, line => stderr.WriteLine(line));
            await stdout.WriteLineAsync(
                $"Demo data added in {summary.Elapsed.TotalSeconds:0.0} s: {summary.EndUsers:N0} end users, {summary.Connections:N0} connections " +
                $"(marked demo: never sent to Nango), {summary.Sessions:N0} connect sessions, {summary.Calls:N0} agent calls, " +
                $"over {summary.Integrations} integrations{(summary.IntegrationsCreated ? " (demo integrations, since the catalog was empty)" : "")} " +
                $"and {summary.Agents} demo agents.");
            return CliCommand.Ok;
        }
        catch (DemoSeedException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return CliCommand.Failed;
        }
    }
}
