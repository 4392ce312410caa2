using System.Collections.Concurrent;

namespace CybrLink.Core.Catalog;

/// <summary>
/// Remembers integration keys that were asked for and not found, so a stream of requests for an unknown key does not
/// re-read the whole catalog from Nango (1 + one call per provider) each time: a miss is remembered for
/// <see cref="MissLifetime"/>, and a refresh because of a miss happens at most once per <see cref="RefreshInterval"/>.
/// Concurrent misses wait for the one refresh in flight instead of starting their own.
/// </summary>
public sealed class CatalogMisses(TimeProvider time)
{
    public static readonly TimeSpan MissLifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private DateTimeOffset? _lastRefresh;

    public bool IsRecentMiss(string key) =>
        _misses.TryGetValue(key, out var missedAt) && time.GetUtcNow() - missedAt < MissLifetime;

    /// <summary>Runs <paramref name="lookup"/> alone; it may refresh when <c>mayRefresh</c> says so.</summary>
    public async Task<T> SerializeAsync<T>(Func<bool, Task<T>> lookup, CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            var mayRefresh = _lastRefresh is not { } last || time.GetUtcNow() - last >= RefreshInterval;
            return await lookup(mayRefresh);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>A refresh happened (for a miss, on schedule or by an operator): earlier misses may now be found.</summary>
    public void Refreshed()
    {
        _lastRefresh = time.GetUtcNow();
        _misses.Clear();
    }

    public void RememberMiss(string key)
    {
        if (_misses.Count >= MaxRemembered)
        {
            _misses.Clear();
        }

        _misses[key] = time.GetUtcNow();
    }
}
