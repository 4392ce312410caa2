namespace CybrLink.Core.Operators;

/// <summary>
/// Tells live console sessions (Blazor circuits) that an operator's sign-ins were invalidated (sign-out, disable,
/// role change), so they re-check now instead of at their next periodic check. One instance per process.
/// </summary>
public sealed class OperatorSessionEvents
{
    public event Action<string>? Invalidated;

    public void Invalidate(string userId) => Invalidated?.Invoke(userId);
}
