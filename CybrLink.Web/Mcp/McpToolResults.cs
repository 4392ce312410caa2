using System.Globalization;
using System.Text.Json;
using CybrLink.Core.AgentAccess;
using CybrLink.Web.Agents;
using ModelContextProtocol.Protocol;

namespace CybrLink.Web.Mcp;

/// <summary>
/// How a tool call is answered: data as <c>structuredContent</c> plus a short text; every refusal as a tool error
/// (<c>isError: true</c>) whose text says why in words a model can act on, with the stable code first.
/// </summary>
public static class McpToolResults
{
    public static CallToolResult Data(string summary, JsonElement? data)
    {
        // Note: structuredContent must be a JSON object; arrays and scalars are wrapped as { "result": … }.
        var structured = data is { ValueKind: JsonValueKind.Object } obj
            ? obj
            : JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement?> { ["result"] = data });
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = summary + "\n" + structured.GetRawText() }],
            StructuredContent = structured,
            IsError = false,
        };
    }

    public static CallToolResult Error(string code, string text, object? details = null)
    {
        var structured = new Dictionary<string, object?> { ["error"] = code, ["message"] = text };
        if (details is not null)
        {
            structured["details"] = details;
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = $"{code}: {text}" }],
            StructuredContent = JsonSerializer.SerializeToElement(structured),
            IsError = true,
        };
    }

    /// <summary>A refusal of the gate or a guard, as the same code the agent API uses, and what to do about it.</summary>
    public static CallToolResult Refusal(AgentAccessException e, string? connectUrl)
    {
        var code = AgentProblems.For(e).Code;
        var text = e.Refusal switch
        {
            AgentRefusal.Denied => $"Denied by {(e.RuleId is null ? "the policy (no rule allows this)" : $"rule '{e.RuleId}'")}: {e.Message}",
            AgentRefusal.RateLimited or AgentRefusal.NangoRateLimited =>
                $"Rate limited; retry after {Seconds(e.RetryAfter)} s.",
            AgentRefusal.ConnectionRevoked => "The end user's connection was revoked; they must connect again before this can be used.",
            AgentRefusal.ConnectionRequired => connectUrl is null
                ? e.Message
                : $"The end user has not connected this integration yet. Ask them to open {connectUrl} and connect, then call this tool again.",
            AgentRefusal.ReconnectRequired => connectUrl is null
                ? e.Message
                : $"The end user must reconnect: ask them to open {connectUrl}, then call this tool again.",
            AgentRefusal.InvalidInput => e.Message + " " + string.Join("; ", e.InputErrors.Select(i => $"{(i.Pointer.Length == 0 ? "(input)" : i.Pointer)}: {i.Message}")),
            _ => e.Message,
        };
        object? details = e.Refusal switch
        {
            AgentRefusal.Denied => new { rule_id = e.RuleId, reason = e.Reason },
            AgentRefusal.RateLimited or AgentRefusal.NangoRateLimited => new { retry_after_seconds = Seconds(e.RetryAfter) },
            AgentRefusal.InvalidInput => new { errors = e.InputErrors.Select(i => new { pointer = i.Pointer, message = i.Message }) },
            _ when connectUrl is not null => new { connect_url = connectUrl },
            _ => null,
        };
        return Error(code, text.Trim(), details);
    }

    /// <summary>The provider answered with an error status: its status and (the start of) its message.</summary>
    public static async Task<CallToolResult> ProviderErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length > 2000)
            {
                body = body[..2000] + "…";
            }

            var status = (int)response.StatusCode;
            return Error("provider_error", $"The provider answered {status} {response.ReasonPhrase}: {body}",
                new { upstream_status = status });
        }
    }

    private static string Seconds(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
