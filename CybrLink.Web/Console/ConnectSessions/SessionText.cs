using CybrLink.Core.ConnectSessions;
using MudBlazor;

namespace CybrLink.Web.Console.ConnectSessions;

/// <summary>A connect session's status and last error as an operator reads them.</summary>
public static class SessionText
{
    public static string Status(ConnectSessionStatus status) => status switch
    {
        ConnectSessionStatus.Pending => "pending",
        ConnectSessionStatus.Opened or ConnectSessionStatus.Failed => "opened",
        ConnectSessionStatus.Completed => "completed",
        ConnectSessionStatus.Expired => "expired",
        ConnectSessionStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static Color StatusColor(ConnectSessionStatus status) => status switch
    {
        ConnectSessionStatus.Completed => Color.Success,
        ConnectSessionStatus.Pending or ConnectSessionStatus.Opened or ConnectSessionStatus.Failed => Color.Info,
        ConnectSessionStatus.Expired => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>The last attempt's error code in words (the codes the Connect UI and Nango's webhooks report).</summary>
    public static string? Error(string? code) => code switch
    {
        null => null,
        "access_denied" => "Consent denied: the person declined at the provider",
        "window_closed" => "The person closed the provider's window",
        "timeout" => "Timed out waiting for the provider",
        "nango_unavailable" => "Nango could not be reached",
        "credentials_refused" => "The provider refused the credentials",
        "session_expired" => "The session expired during the attempt",
        "session_cancelled" => "The session was cancelled during the attempt",
        "unknown_error" => "Failed for an unknown reason",
        _ => $"Failed: {code}",
    };
}
