using CybrLink.Core.Catalog;
using CybrLink.Core.Leases;
using CybrLink.Core.Nango;
using CybrLink.Core.SystemState;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.NangoSync;

/// <summary>
/// The periodic work against Nango: reconcile connections every <c>Nango:ReconcileSeconds</c>, and refresh the
/// catalog every 10 minutes (it is also refreshed on demand and when an unknown integration is asked for).
/// A database lease makes one CybrLink instance at a time do it.
/// </summary>
public sealed partial class NangoSyncJob(
    IServiceScopeFactory scopes, LeaseService leases, IOptions<NangoOptions> options, TimeProvider time, ILogger<NangoSyncJob> logger)
    : BackgroundService
{
    public const string LeaseName = "nango-sync";

    // Integrations and providers change rarely (an operator's action); connections change all the time.
    private static readonly TimeSpan CatalogInterval = TimeSpan.FromMinutes(10);
    private DateTimeOffset? _catalogRefreshedAt;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ReconcileSeconds);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            await RunOnceAsync(interval, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>The reconciliation report, or null when another instance holds the lease or Nango failed.</returns>
    public async Task<ReconcileReport?> RunOnceAsync(TimeSpan interval, CancellationToken ct)
    {
        // Nango said 429 last time: its limit is shared with every Connect UI call, so wait as told.
        if (time.GetUtcNow() < _notBefore)
        {
            return null;
        }

        // The lease outlives one pass by a margin, so a slow pass is not overtaken by another instance.
        if (!await leases.TryAcquireAsync(LeaseName, interval * 2, ct))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var now = time.GetUtcNow();
            if (_catalogRefreshedAt is null || now - _catalogRefreshedAt >= CatalogInterval)
            {
                await scope.ServiceProvider.GetRequiredService<CatalogService>().RefreshAsync(ct);
                _catalogRefreshedAt = now;
            }

            var report = await scope.ServiceProvider.GetRequiredService<ConnectionReconciler>().ReconcileAsync(ct);
            // For the console's Nango health: when the last pass finished, and what it did.
            await scope.ServiceProvider.GetRequiredService<SystemStateStore>().SetAsync(SystemStateKeys.LastReconciliation,
                $"{report.Listed} listed, {report.Created} created, {report.Errored} errored, {report.Recovered} recovered, " +
                $"{report.RevokedExternally} revoked externally, {report.SessionsExpired} sessions expired", ct);
            if (report.Created + report.Errored + report.Recovered + report.RevokedExternally + report.SessionsExpired + report.NangoDeletesRetried > 0)
            {
                LogReconciled(logger, report.Created, report.Errored, report.Recovered, report.RevokedExternally, report.SessionsExpired,
                    report.NangoDeletesRetried);
            }

            return report;
        }
        catch (NangoApiException e) when (e.IsRateLimited)
        {
            _notBefore = time.GetUtcNow() + e.RetryAfter!.Value;
            LogRateLimited(logger, e.RetryAfter.Value.TotalSeconds);
            return null;
        }
        catch (Exception e) when (e is NangoUnavailableException or NangoApiException)
        {
            LogNangoFailed(logger, e.Message);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            // A connection's status changed while the pass ran (a revocation): its view is stale, the next pass redoes it.
            LogNangoFailed(logger, "a connection changed while the pass ran");
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled with Nango: {Created} created, {Errored} errored, {Recovered} recovered, {Revoked} revoked externally, {Expired} sessions expired, {Deleted} pending deletes done")]
    private static partial void LogReconciled(ILogger logger, int created, int errored, int recovered, int revoked, int expired, int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation paused for {RetryAfterSeconds} s: Nango's API rate limit was reached (DEFAULT_RATE_LIMIT_PER_MIN on the Nango server)")]
    private static partial void LogRateLimited(ILogger logger, double retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation skipped: {Reason}")]
    private static partial void LogNangoFailed(ILogger logger, string reason);
}
