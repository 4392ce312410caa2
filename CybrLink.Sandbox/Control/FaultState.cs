namespace CybrLink.Sandbox.Control;

/// <summary>
/// Fault switches tests flip through <c>/_sandbox/faults/*</c>. A fault with a count is consumed call by call;
/// a fault without one stays until <see cref="Reset"/>.
/// </summary>
internal sealed class FaultState
{
    private readonly Lock _gate = new();
    private CountedFault<int>? _upstreamStatus;
    private CountedFault<TimeSpan>? _upstreamDelay;
    private CountedFault<IReadOnlyDictionary<string, string>>? _upstreamHeaders;
    private CountedFault<bool>? _refresh;
    private CountedFault<ApiFaultMode>? _api;
    private ConsentBehaviour _consent = ConsentBehaviour.Normal;
    private bool _logosMissing;
    private TaskCompletionSource? _webhookHold;
    private TaskCompletionSource _released = NewRelease();
    private TaskCompletionSource _hanging = NewRelease();

    public void FailUpstream(int status, int? count) { lock (_gate) _upstreamStatus = new(status, count); }

    public void DelayUpstream(TimeSpan delay, int? count) { lock (_gate) _upstreamDelay = new(delay, count); }

    /// <summary>The next upstream answers also carry these headers (e.g. a <c>Set-Cookie</c> the proxy must drop).</summary>
    public void AddUpstreamHeaders(IReadOnlyDictionary<string, string> headers, int? count) { lock (_gate) _upstreamHeaders = new(headers, count); }

    public void FailRefresh(int? count) { lock (_gate) _refresh = new(true, count); }

    public void FailApi(ApiFaultMode mode, int? count) { lock (_gate) _api = new(mode, count); }

    /// <summary>How the mock provider's consent page behaves until reset.</summary>
    public ConsentBehaviour Consent { get { lock (_gate) return _consent; } set { lock (_gate) _consent = value; } }

    /// <summary>Provider logos answer 404 until reset (a logo that fails to load in the Connect UI).</summary>
    public bool LogosMissing { get { lock (_gate) return _logosMissing; } set { lock (_gate) _logosMissing = value; } }

    /// <summary>Webhooks wait until <see cref="ReleaseWebhooks"/> or <see cref="Reset"/>.</summary>
    public void HoldWebhooks() { lock (_gate) _webhookHold ??= NewRelease(); }

    public void ReleaseWebhooks()
    {
        lock (_gate)
        {
            _webhookHold?.TrySetResult();
            _webhookHold = null;
        }
    }

    /// <summary>Completes at once unless webhooks are held.</summary>
    public Task WebhooksReleased { get { lock (_gate) return _webhookHold?.Task ?? Task.CompletedTask; } }

    public int? TakeUpstreamStatus() { lock (_gate) return Take(ref _upstreamStatus, out var s) ? s : null; }

    public TimeSpan? TakeUpstreamDelay() { lock (_gate) return Take(ref _upstreamDelay, out var d) ? d : null; }

    public IReadOnlyDictionary<string, string>? TakeUpstreamHeaders() { lock (_gate) return Take(ref _upstreamHeaders, out var h) ? h : null; }

    public bool TakeRefreshFailure() { lock (_gate) return Take(ref _refresh, out _); }

    public ApiFaultMode? TakeApiFault() { lock (_gate) return Take(ref _api, out var m) ? m : null; }

    /// <summary>Completes when the faults are reset: hanging API calls wait on it.</summary>
    public Task Released { get { lock (_gate) return _released.Task; } }

    /// <summary>Completes once a call is held by the hang fault: a test's deterministic "it is pending now".</summary>
    public Task Hanging { get { lock (_gate) return _hanging.Task; } }

    public void NoteHanging() { lock (_gate) _hanging.TrySetResult(); }

    public void Reset()
    {
        lock (_gate)
        {
            _hanging = NewRelease();
            _upstreamStatus = null;
            _upstreamDelay = null;
            _upstreamHeaders = null;
            _refresh = null;
            _api = null;
            _consent = ConsentBehaviour.Normal;
            _logosMissing = false;
            _webhookHold?.TrySetResult();
            _webhookHold = null;
            _released.TrySetResult();
            _released = NewRelease();
        }
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool Take<T>(ref CountedFault<T>? fault, out T value)
    {
        value = default!;
        if (fault is null)
            return false;
        value = fault.Value;
        if (fault.Remaining is { } remaining)
            fault = remaining <= 1 ? null : fault with { Remaining = remaining - 1 };
        return true;
    }

    private sealed record CountedFault<T>(T Value, int? Remaining);
}

/// <summary>
/// The consent page as real providers serve it: <see cref="CrossOriginOpenerPolicy"/> sends
/// <c>Cross-Origin-Opener-Policy: same-origin</c> (Linear, Stripe, Bluesky), which makes the opener's
/// <c>popup.closed</c> read true; <see cref="ApproveAfter"/> makes the page approve by itself after that long,
/// as a person who reads first.
/// </summary>
internal sealed record ConsentBehaviour(bool CrossOriginOpenerPolicy, TimeSpan? ApproveAfter)
{
    public static readonly ConsentBehaviour Normal = new(false, null);
}

/// <summary>How the Nango API misbehaves: a 500 <c>generic_error_support</c>, or no answer until reset.</summary>
internal enum ApiFaultMode { Error, Hang }
