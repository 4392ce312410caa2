using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// Where the browser goes back to the operator's app after a session: the return URL with the outcome (QueryHelpers keeps
/// a fragment after the query, where browsers expect it).
/// </summary>
public static class ReturnUrls
{
    public static string? Success(ConnectSession session, Guid connectionId) =>
        session.ReturnUrl is null
            ? null
            : QueryHelpers.AddQueryString(session.ReturnUrl, new Dictionary<string, string?>
            {
                ["status"] = "success",
                ["connection_id"] = connectionId.ToString(),
                ["session_id"] = session.Id.ToString(),
            });

    public static string? Error(ConnectSession session, string errorCode) =>
        session.ReturnUrl is null
            ? null
            : QueryHelpers.AddQueryString(session.ReturnUrl, new Dictionary<string, string?>
            {
                ["status"] = "error",
                ["error"] = ErrorCodes.Normalize(errorCode),
                ["session_id"] = session.Id.ToString(),
            });
}

/// <summary>Error codes that came from a browser or Nango, made safe to store, log and put in a URL.</summary>
public static class ErrorCodes
{
    public static string Normalize(string code)
    {
        var cleaned = new string([.. code.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').Take(ConnectSession.MaxErrorCodeLength)]);
        return cleaned.Length == 0 ? "unknown_error" : cleaned;
    }
}
