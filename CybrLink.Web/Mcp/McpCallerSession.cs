using CybrLink.Core.Agents;

namespace CybrLink.Web.Mcp;

/// <summary>
/// Who an MCP session acts as, fixed at <c>initialize</c>: the agent credential, the end user (a token's, or the one an
/// agent key named in <c>CybrLink-End-User</c>; null means every tool takes <c>end_user_id</c>) and whether the client
/// can open a URL for the end user (URL-mode elicitation), and the base URL it was opened on (for connect links).
/// </summary>
public sealed record McpCallerSession(AgentCaller Caller, string? EndUserId, bool CanElicitUrl, string RequestBase)
{
    public const string EndUserHeader = "CybrLink-End-User";
}
