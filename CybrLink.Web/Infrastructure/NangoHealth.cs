using CybrLink.Core.Nango;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CybrLink.Web.Infrastructure;

/// <summary>Ready only when Nango answers <c>GET /health</c>.</summary>
internal sealed class NangoHealthCheck(INangoApi nango) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        try
        {
            var health = await nango.GetHealthAsync(cts.Token);
            return health.Result == "ok"
                ? HealthCheckResult.Healthy("Nango answers.")
                : HealthCheckResult.Unhealthy($"Nango reports '{health.Result}'.");
        }
        catch (Exception e) when (e is NangoUnavailableException or NangoApiException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Nango is unreachable.");
        }
    }
}

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nango is unreachable; connect flows and agent calls will fail until it is back")]
    private static partial void LogUnreachable(ILogger logger);
}
