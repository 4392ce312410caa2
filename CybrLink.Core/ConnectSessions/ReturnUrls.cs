using Microsoft.AspNetCore.WebUtilities;

namespace CybrLink.Core.ConnectSessions;

/// <summary>Where the browser goes back to the operator's app after a session: the return URL with the outcome.</summary>
public static class ReturnUrls
{
    public static string? Success(ConnectSession session, Guid connectionId) =>
        session.ReturnUrl is null
            ? null
            : With(session.ReturnUrl, new()
            {
                ["status"] = "success",
                ["connection_id"] = connectionId.ToString(),
                ["session_id"] = session.Id.ToString(),
            });

    public static string? Error(ConnectSession session, string errorCode) =>
        session.ReturnUrl is null
            ? null
            : With(session.ReturnUrl, new()
            {
                ["status"] = "error",
                ["error"] = ErrorCodes.Normalize(errorCode),
                ["session_id"] = session.Id.ToString(),
            });

    private static string With(string url, Dictionary<string, string?> query)
    {
        // QueryHelpers keeps a fragment after the query, where browsers expect it.
        return QueryHelpers.AddQueryString(url, query);
    }
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
