using Microsoft.Extensions.Logging;

namespace CybrLink.Core.AgentCalls;

/// <summary>
/// Tells this instance's listeners (the console's live tail) that agent-call rows were just committed. A signal, not
/// the rows: listeners re-read what they show with their own filters. Rows written by another instance are not
/// announced here; listeners poll for those.
/// </summary>
public sealed partial class AgentCallFeed(ILogger<AgentCallFeed> logger)
{
    /// <summary>Raised after each commit, with the number of rows it wrote, on the writer's thread: keep handlers short.</summary>
    public event Action<int>? Recorded;

    public void Publish(int count)
    {
        if (Recorded is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<int>>())
        {
            try
            {
                handler(count);
            }
            catch (Exception e)
            {
                // A broken listener (a closed console tab) must never fail the writer or the other listeners.
                LogListenerFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An agent-call feed listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
