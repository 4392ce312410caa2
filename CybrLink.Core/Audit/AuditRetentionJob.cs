using CybrLink.Core.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.Audit;

/// <summary>
/// Runs <see cref="AuditRetention"/> every <c>Audit:RetentionIntervalMinutes</c> when <c>Audit:RetentionDays</c> is set;
/// a database lease makes one CybrLink instance at a time do it.
/// </summary>
public sealed partial class AuditRetentionJob(
    AuditRetention retention, LeaseService leases, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetentionJob> logger)
    : BackgroundService
{
    public const string LeaseName = "audit-retention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays == 0)
        {
            return;
        }

        var interval = TimeSpan.FromMinutes(options.Value.RetentionIntervalMinutes);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await RunOnceAsync(interval, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; a failed pass leaves the chain as it was (each batch is one transaction).
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>What was pruned, or null when another instance holds the lease.</returns>
    public async Task<AuditPruneResult?> RunOnceAsync(TimeSpan interval, CancellationToken ct)
    {
        if (!await leases.TryAcquireAsync(LeaseName, interval * 2, ct))
        {
            return null;
        }

        var result = await retention.PruneAsync(ct);
        if (result.Deleted > 0)
        {
            LogPruned(logger, result.Deleted, result.NewAnchor);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention deleted {Deleted} events; the chain now starts at #{Anchor}")]
    private static partial void LogPruned(ILogger logger, long deleted, long anchor);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit retention failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
