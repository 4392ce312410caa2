using CybrLink.Core.AgentCalls;

namespace CybrLink.Core.AgentAccess;

/// <summary>Which of an agent's headers a raw provider call forwards, on every surface (the proxy endpoint, MCP http_request).</summary>
public static class AgentProxyHeaders
{
    // Note: these would steer Nango itself (which connection, which host, retries of non-idempotent calls); an agent
    // sending one is refused rather than silently stripped, so a confused or hostile client is visible in the audit.
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection-Id", "Provider-Config-Key", "Base-Url-Override", "Retries", "Retry-On", "Decompress",
        "Forward-Headers-On-Redirect",
    };

    // Hop-by-hop and transport headers, plus the agent's own credential: never forwarded.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Content-Type", "Expect", "Cookie",
    };

    /// <summary>The headers to forward; throws <see cref="AgentRefusal.ForbiddenHeader"/> for one that could steer Nango.</summary>
    public static Dictionary<string, string> Forwarded(IEnumerable<KeyValuePair<string, string>> headers, AgentCallDraft call)
    {
        var forwarded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (Forbidden.Contains(name) || name.StartsWith("Nango-", StringComparison.OrdinalIgnoreCase))
            {
                call.Reason = "forbidden_header";
                throw new AgentAccessException(AgentRefusal.ForbiddenHeader, $"The header '{name}' may not be sent through the proxy.");
            }

            if (!NotForwarded.Contains(name) && !name.StartsWith(':'))
            {
                forwarded[name] = value;
            }
        }

        return forwarded;
    }
}
