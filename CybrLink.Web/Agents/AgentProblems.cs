using CybrLink.Core.AgentAccess;
using CybrLink.Core.Policies;
using CybrLink.Web.Infrastructure;

namespace CybrLink.Web.Agents;

/// <summary>How a refused agent call is answered: one status and stable code per refusal, the same on every surface.</summary>
public static class AgentProblems
{
    public static ProblemAnswer For(AgentAccessException e)
    {
        var answer = e.Refusal switch
        {
            AgentRefusal.Denied => new ProblemAnswer(403, "denied", "The agent's policy does not allow this."),
            AgentRefusal.ConnectionRequired => new(409, "connection_required", "The end user has not connected this integration."),
            AgentRefusal.ConnectionRevoked => new(409, "connection_revoked", "The connection was revoked."),
            AgentRefusal.DemoConnection => new(409, "demo_connection", "The connection is demo data."),
            AgentRefusal.ConnectionError => new(409, "connection_error", "The connection's credential is not working."),
            AgentRefusal.ReconnectRequired => new(424, "reconnect_required", "The end user has to reconnect."),
            AgentRefusal.ConnectionNotFound => new(404, "connection_not_found", "No such connection."),
            AgentRefusal.IntegrationNotFound => new(404, "integration_not_found", "No such integration."),
            AgentRefusal.ActionNotFound => new(404, "action_not_found", "No such action."),
            AgentRefusal.InvalidInput => new(422, "invalid_input", "The input does not match the action's schema."),
            AgentRefusal.InvalidPath => new(400, "invalid_path", "The path cannot be forwarded."),
            AgentRefusal.ForbiddenHeader => new(400, "forbidden_header", "A header may not be sent through the proxy."),
            AgentRefusal.BodyTooLarge => new(413, "payload_too_large", "The body is too large."),
            AgentRefusal.RateLimited => new(429, "rate_limited", "Too many calls."),
            AgentRefusal.NangoRateLimited => new(429, "nango_rate_limited", "The token service's rate limit was reached."),
            AgentRefusal.ResultTooLarge => new(502, "result_too_large", "The provider's answer is too large for an action."),
            AgentRefusal.NangoUnavailable => new(503, "nango_unavailable", "The token service is not available."),
            AgentRefusal.UpstreamTimeout => new(504, "upstream_timeout", "The provider did not answer in time."),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.Refusal, null),
        };

        var extensions = new Dictionary<string, object?>();
        if (e.Refusal == AgentRefusal.Denied)
        {
            extensions["rule_id"] = e.RuleId;
            extensions["reason"] = e.Reason ?? PolicyDecision.NoMatchingRule;
        }
        else if (e.RuleId is not null)
        {
            extensions["rule_id"] = e.RuleId;
        }

        if (e.InputErrors.Count > 0)
        {
            extensions["errors"] = e.InputErrors.Select(i => new Dictionary<string, string> { ["pointer"] = i.Pointer, ["message"] = i.Message }).ToList();
        }

        return answer with
        {
            Detail = e.Message,
            RetryAfter = e.RetryAfter,
            Extensions = extensions,
            ConnectToken = e.ConnectSession?.Token,
        };
    }
}
