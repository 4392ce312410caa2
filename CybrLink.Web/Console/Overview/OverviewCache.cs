using System.ComponentModel.DataAnnotations;
using CybrLink.Core.Reporting;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Console.Overview;

/// <summary>How long this instance reuses the overview's numbers (section <c>Console:Overview</c>).</summary>
public sealed class OverviewOptions
{
    public const string SectionName = "Console:Overview";

    /// <summary>Seconds the numbers are reused before they are aggregated again; 0 aggregates on every view.</summary>
    [Range(0, 3600, ErrorMessage = "Console:Overview:CacheSeconds must be between 0 and 3600.")]
    public int CacheSeconds { get; set; } = 30;
}

/// <summary>Checks <see cref="OverviewOptions"/> at start; every message names the key it is about.</summary>
[OptionsValidator]
public sealed partial class OverviewOptionsValidator : IValidateOptions<OverviewOptions>
{
}

/// <summary>
/// The overview's numbers, aggregated at most once per <see cref="OverviewOptions.CacheSeconds"/> on this instance
/// however many tabs show them: concurrent viewers wait for one computation instead of each running it.
/// </summary>
public sealed class OverviewCache(OverviewQuery query, TimeProvider time, IOptions<OverviewOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OverviewNumbers? _latest;

    /// <param name="refresh">Aggregate now (the refresh button), unless another viewer just did.</param>
    public async Task<OverviewNumbers> GetAsync(bool refresh = false, CancellationToken ct = default)
    {
        var seen = _latest;
        if (!refresh && IsFresh(seen))
        {
            return seen!;
        }

        await _gate.WaitAsync(ct);
        try
        {
            // Someone else computed while this caller waited: theirs is as new as a refresh asked for.
            if (!ReferenceEquals(_latest, seen) || (!refresh && IsFresh(_latest)))
            {
                return _latest!;
            }

            return _latest = await query.LoadAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private bool IsFresh(OverviewNumbers? numbers) =>
        numbers is not null && time.GetUtcNow() - numbers.ComputedAt < TimeSpan.FromSeconds(options.Value.CacheSeconds);
}
