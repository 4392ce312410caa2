using System.Globalization;
using System.Threading.RateLimiting;
using CybrLink.Core.Policies;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentAccess;

/// <summary>
/// The agent's own limit (<see cref="AgentOptions.DefaultPerMinute"/>) and the deciding rule's limits, counted per
/// agent × end user × rule. Fixed windows, held in this process (several instances each count their own share).
/// </summary>
public sealed class AgentRateLimits(IOptionsMonitor<AgentOptions> options) : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    // Note: the partition key carries its limit and window, so a changed policy starts a fresh window instead of
    // inheriting an old one; idle windows are dropped by the partitioned limiter itself.
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, k =>
        {
            var parts = k.Split('|', 3);
            return new FixedWindowRateLimiterOptions
            {
                PermitLimit = int.Parse(parts[0], CultureInfo.InvariantCulture),
                Window = parts[1] == "d" ? Day : Minute,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        }));

    /// <summary>Takes one permit from every limit that applies; the wait before trying again when one is spent.</summary>
    public TimeSpan? TryAcquire(Guid agentId, string endUserId, PolicyDecision decision)
    {
        if (Take($"{options.CurrentValue.DefaultPerMinute}|m|{agentId:N}") is { } agentWait)
        {
            return agentWait;
        }

        if (decision.Rate is not { } rate || decision.RuleId is not { } ruleId)
        {
            return null;
        }

        var scope = $"{agentId:N}|{endUserId}|{ruleId}";
        if (rate.PerMinute is { } perMinute && Take($"{perMinute}|m|{scope}") is { } minuteWait)
        {
            return minuteWait;
        }

        return rate.PerDay is { } perDay ? Take($"{perDay}|d|{scope}") : null;
    }

    private TimeSpan? Take(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Minute;
    }

    public void Dispose() => _limiter.Dispose();
}
