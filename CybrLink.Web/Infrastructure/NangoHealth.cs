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
