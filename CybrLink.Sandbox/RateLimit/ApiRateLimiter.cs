namespace CybrLink.Sandbox.RateLimit;

/// <summary>
/// Nango's per-key API rate limit (<c>DEFAULT_RATE_LIMIT_PER_MIN</c>): a fixed one-minute window that starts with
/// the key's first call. Off (0) unless <see cref="SandboxOptions.RateLimitPerMinute"/> or the control API sets it.
/// </summary>
internal sealed class ApiRateLimiter(IOptions<SandboxOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Used)> _windows = new(StringComparer.Ordinal);
    private int? _override;

    /// <summary>Calls allowed per key and minute; 0 = no limit.</summary>
    public int PerMinute { get { lock (_gate) return _override ?? options.Value.RateLimitPerMinute; } }

    /// <summary>Sets the limit at run time and starts every key on a fresh window.</summary>
    public void Set(int perMinute)
    {
        lock (_gate)
        {
            _override = perMinute;
            _windows.Clear();
        }
    }

    /// <summary>Back to the configured limit, with fresh windows.</summary>
    public void Reset() => Set(options.Value.RateLimitPerMinute);

    /// <summary>Counts one call of <paramref name="key"/>; null when no limit applies.</summary>
    public RateLimitDecision? Consume(string key)
    {
        lock (_gate)
        {
            var limit = _override ?? options.Value.RateLimitPerMinute;
            if (limit <= 0)
                return null;
            var now = time.GetUtcNow();
            var window = _windows.TryGetValue(key, out var w) && now - w.Start < Window ? w : (Start: now, Used: 0);
            window.Used++;
            _windows[key] = window;
            var resetSeconds = Math.Max(1, (int)Math.Ceiling((window.Start + Window - now).TotalSeconds));
            return new RateLimitDecision(window.Used <= limit, limit, Math.Max(0, limit - window.Used), resetSeconds);
        }
    }
}

/// <summary>The answer for one call: allowed or not, and what the <c>X-RateLimit-*</c> headers say.</summary>
internal sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);
