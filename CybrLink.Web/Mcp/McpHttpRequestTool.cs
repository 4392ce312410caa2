using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Nango;
using CybrLink.Core.Policies;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace CybrLink.Web.Mcp;

/// <summary>
/// <c>http_request</c>: a raw provider call, listed only when a rule grants proxy calls. The same guards as the proxy
/// endpoint (the path normaliser, the forbidden headers, the body limit), then the gate, then Nango.
/// </summary>
public sealed class McpHttpRequestTool(AgentAccessGate gate, AgentUpstream upstream, IOptionsMonitor<AgentOptions> options)
{
    public static Tool Describe(string? endUserId)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["connection_id"] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "The connection to call through (see list_connections)." },
                ["integration"] = new JsonObject { ["type"] = "string", ["description"] = "Or: the integration, to use the end user's connection to it." },
                ["method"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("GET", "POST", "PUT", "PATCH", "DELETE") },
                ["path"] = new JsonObject { ["type"] = "string", ["description"] = "The provider API path, e.g. /v1/items." },
                ["query"] = new JsonObject { ["type"] = "string", ["description"] = "The query string without '?'." },
                ["headers"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                ["body"] = new JsonObject { ["description"] = "A JSON value, sent as application/json." },
            },
            ["required"] = new JsonArray("method", "path"),
        };
        return new Tool
        {
            Name = McpToolNames.HttpRequest,
            Title = "Raw provider request",
            Description = "Sends one HTTP request to a provider API through the end user's connection, when the policy allows "
                + "that method and path. Name connection_id or integration. "
                + (endUserId is null ? "Acts for the end user named by end_user_id." : $"Acts on end user '{endUserId}''s accounts."),
            InputSchema = McpToolCatalog.Schema(schema, endUserId),
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true, OpenWorldHint = true },
        };
    }

    public async Task<CallToolResult> RunAsync(IReadOnlyDictionary<string, JsonElement> args, string endUserId, AgentCallDraft call, CancellationToken ct)
    {
        var method = Text(args, "method")?.ToUpperInvariant() ?? "";
        call.Method = method;
        var path = AgentPaths.Normalize(Text(args, "path") ?? "");
        call.Path = path.Path ?? Text(args, "path");
        if (path.Error is not null)
        {
            call.Reason = "invalid_path";
            throw new AgentAccessException(AgentRefusal.InvalidPath, path.Error);
        }

        var headers = AgentProxyHeaders.Forwarded(
            args.TryGetValue("headers", out var h) && h.ValueKind == JsonValueKind.Object
                ? h.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ToString()))
                : [],
            call);
        var body = args.TryGetValue("body", out var b) && b.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? b.GetRawText() : null;
        var max = options.CurrentValue.MaxBodyBytes;
        if (body is not null && Encoding.UTF8.GetByteCount(body) > max)
        {
            call.Reason = "body_too_large";
            throw new AgentAccessException(AgentRefusal.BodyTooLarge, $"Bodies of up to {max} bytes are accepted.");
        }

        var connectionId = Guid.TryParse(Text(args, "connection_id"), out var id) ? id : (Guid?)null;
        var target = new AgentTarget(Text(args, "integration"), connectionId, endUserId);
        var grant = await gate.AuthorizeAsync(target, new AgentOperation(Method: method, Path: path.Path), call, ct);
        // Note: a connection named by id must belong to the session's end user: the gate decided for the connection's
        // own end user, so a key bound to one end user in this session cannot reach another end user's connection.
        if (grant.Connection.EndUserId != endUserId)
        {
            call.Decision = AgentCallDraft.Denied;
            call.Reason = "credential_scope";
            throw new AgentAccessException(AgentRefusal.Denied, "The connection belongs to another end user.") { Reason = "credential_scope" };
        }

        using var response = await upstream.SendAsync(grant, new NangoProxyRequest
        {
            Method = new HttpMethod(method),
            Path = path.Path!,
            Query = Text(args, "query"),
            ConnectionId = grant.Connection.NangoConnectionId,
            ProviderConfigKey = grant.Integration.Key,
            ProviderHeaders = headers,
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        }, call, ct);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length > options.CurrentValue.MaxActionResultBytes)
        {
            call.Reason = "result_too_large";
            throw new AgentAccessException(AgentRefusal.ResultTooLarge, "The provider's answer is too large for a tool result; use the proxy endpoint.");
        }

        JsonElement parsed;
        try
        {
            parsed = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            parsed = JsonSerializer.SerializeToElement(text);
        }

        var result = JsonSerializer.SerializeToElement(new { status, body = parsed });
        return response.IsSuccessStatusCode
            ? McpToolResults.Data($"The provider answered {status}.", result)
            : McpToolResults.Error("provider_error", $"The provider answered {status}: {Truncate(text)}", new { upstream_status = status });
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> args, string name) =>
        args.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Truncate(string text) => text.Length > 2000 ? text[..2000] + "…" : text;
}
