using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CybrLink.Web.Components.Layout;

/// <summary>
/// Watches Nango in the background so the console can show a banner without each page calling Nango.
/// </summary>
public sealed partial class NangoStatusMonitor(IServiceScopeFactory scopes, ILogger<NangoStatusMonitor> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Null until the first check has finished.</summary>
    public bool? IsReachable { get; private set; }

    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var check = ActivatorUtilities.CreateInstance<NangoHealthCheck>(scope.ServiceProvider);
            var result = await check.CheckHealthAsync(new HealthCheckContext(), stoppingToken);
            Report(result.Status == HealthStatus.Healthy);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Records the outcome of a check and tells subscribers when it changed.</summary>
    public void Report(bool reachable)
    {
        if (reachable == IsReachable)
        {
            return;
        }

        if (!reachable)
        {
            LogUnreachable(logger);
        }

        IsReachable = reachable;
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nango is unreachable; connect flows will fail until it is back")]
    private static partial void LogUnreachable(ILogger logger);
}
