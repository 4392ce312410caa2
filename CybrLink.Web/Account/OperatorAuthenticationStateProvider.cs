using System.Security.Claims;
using CybrLink.Core.Operators;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Account;

/// <summary>
/// The authentication state of an open console tab (one per Blazor circuit). It re-checks the operator every
/// <see cref="OperatorSessionOptions.ConsoleCheckInterval"/>, and at once when told that the operator's sign-ins were
/// invalidated; a stale principal becomes anonymous, so the tab's pages fall back to the sign-in page.
/// </summary>
public sealed partial class OperatorAuthenticationStateProvider : ServerAuthenticationStateProvider, IDisposable
{
    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));

    private readonly IServiceScopeFactory _scopes;
    private readonly OperatorSessionEvents _events;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<OperatorAuthenticationStateProvider> _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _revoked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _loop;
    private TaskCompletionSource _nudge = NewNudge();
    private string? _userId;

    public OperatorAuthenticationStateProvider(
        IServiceScopeFactory scopes, OperatorSessionEvents events, TimeProvider time, IOptions<OperatorSessionOptions> options,
        ILogger<OperatorAuthenticationStateProvider> logger)
    {
        _scopes = scopes;
        _events = events;
        _time = time;
        _interval = options.Value.ConsoleCheckInterval;
        _logger = logger;
        AuthenticationStateChanged += OnStateChanged;
        _events.Invalidated += OnInvalidated;
    }

    /// <summary>Completes when the tab's operator has been found stale (for tests and diagnostics).</summary>
    public Task Revoked => _revoked.Task;

    public void Dispose()
    {
        _events.Invalidated -= OnInvalidated;
        AuthenticationStateChanged -= OnStateChanged;
        _stop.Cancel();
        _loop?.Dispose();
        _stop.Dispose();
    }

    private static TaskCompletionSource NewNudge() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnInvalidated(string userId)
    {
        if (userId == Volatile.Read(ref _userId))
        {
            _nudge.TrySetResult();
        }
    }

    private void OnStateChanged(Task<AuthenticationState> state)
    {
        var loop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        if (Interlocked.Exchange(ref _loop, loop) is { } previous)
        {
            previous.Cancel();
            previous.Dispose();
        }

        _ = WatchAsync(state, loop.Token);
    }

    private async Task WatchAsync(Task<AuthenticationState> stateTask, CancellationToken ct)
    {
        try
        {
            var user = (await stateTask).User;
            if (user.Identity?.IsAuthenticated != true)
            {
                return;
            }

            Volatile.Write(ref _userId, user.FindFirstValue(ClaimTypes.NameIdentifier));
            while (!ct.IsCancellationRequested)
            {
                await Task.WhenAny(Task.Delay(_interval, _time, ct), _nudge.Task).WaitAsync(ct);
                Interlocked.Exchange(ref _nudge, NewNudge());
                bool current;
                try
                {
                    current = await IsCurrentAsync(user);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Note: a failed check (database down) keeps the tab's state until the next check; each of its
                    // actions is still checked by the console hub filter, which fails closed.
                    LogCheckFailed(_logger, e);
                    continue;
                }

                if (!current)
                {
                    LogStale(_logger);
                    Volatile.Write(ref _userId, null);
                    _revoked.TrySetResult();
                    SetAuthenticationState(Task.FromResult(Anonymous));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The tab closed or its state was replaced.
        }
    }

    private async Task<bool> IsCurrentAsync(ClaimsPrincipal user)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OperatorPrincipalCheck>().IsCurrentAsync(user);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An open console tab lost its sign-in: the operator signed out, was disabled or changed role.")]
    private static partial void LogStale(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console could not re-check an operator's sign-in.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
