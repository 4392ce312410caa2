using System.Text.Json;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.AgentCalls;
using CybrLink.Web.Agents;
using CybrLink.Web.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CybrLink.Web.Mcp;

/// <summary>
/// Runs one <c>tools/call</c>: resolves the name against the session's current tools, runs it through the same gate
/// as the agent API, turns every refusal into a tool error, and commits the call's one audit row (surface <c>mcp</c>)
/// before the result goes back.
/// </summary>
public sealed class McpToolRunner(
    McpToolCatalog catalog, AgentCallWriter writer, TimeProvider time, McpConnectFirst connectFirst, IServiceProvider services)
{
    public async Task<CallToolResult> CallAsync(McpCallerSession session, McpServer server, CallToolRequestParams request, CancellationToken ct)
    {
        var call = new AgentCallDraft(session.Caller, "req_" + Guid.CreateVersion7().ToString("N"), time.GetUtcNow())
        {
            Surface = AgentCall.McpSurface,
            Tool = request.Name,
        };
        var args = request.Arguments is { } a ? new Dictionary<string, JsonElement>(a) : [];
        CallToolResult result;
        int status;
        try
        {
            (result, status) = await RunAsync(session, server, request.Name, args, call, ct);
        }
        catch (AgentAccessException e)
        {
            var answer = AgentProblems.For(e);
            call.Decision ??= e.Refusal == AgentRefusal.Denied ? AgentCallDraft.Denied : AgentCallDraft.Refused;
            call.Reason ??= answer.Code;
            var url = e.ConnectSession is { } s ? connectFirst.LinkFor(session, s.Token) : null;
            (result, status) = (McpToolResults.Refusal(e, url), answer.Status);
        }
        catch (Exception e) when (DomainProblems.For(e) is { } answer)
        {
            call.Decision ??= AgentCallDraft.Refused;
            call.Reason ??= answer.Code;
            (result, status) = (McpToolResults.Error(answer.Code, answer.Detail ?? answer.Title), answer.Status);
        }

        // Note: the row is committed before the result is returned; if it cannot be written the call fails instead,
        // so no answered tool call is missing from the audit.
        try
        {
            await writer.RecordAsync(call.ToRow(status, time.GetUtcNow(), 0), CancellationToken.None);
        }
        catch (AgentCallNotRecordedException e)
        {
            throw new McpException("The call could not be recorded; it was not answered. Try again later.", e);
        }

        return result;
    }

    private async Task<(CallToolResult, int)> RunAsync(
        McpCallerSession session, McpServer server, string name, Dictionary<string, JsonElement> args, AgentCallDraft call, CancellationToken ct)
    {
        var tools = await catalog.BuildAsync(session, ct);
        if (!tools.Targets.TryGetValue(name, out var target))
        {
            call.Decision = AgentCallDraft.Refused;
            call.Reason = "unknown_tool";
            return (McpToolResults.Error("unknown_tool", $"There is no tool '{name}' for this session; list the tools again."), 404);
        }

        var endUserId = session.EndUserId;
        if (endUserId is null)
        {
            if (!args.Remove(McpToolCatalog.EndUserArgument, out var named) || named.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(named.GetString()))
            {
                call.Decision = AgentCallDraft.Refused;
                call.Reason = "invalid_input";
                return (McpToolResults.Error("invalid_input", "end_user_id is required: name the end user whose account to act on."), 422);
            }

            endUserId = named.GetString()!;
        }

        call.EndUserId = endUserId;
        if (target.Name == McpToolNames.ListConnections)
        {
            var connections = await services.GetRequiredService<McpConnectionsTool>().ListAsync(session.Caller, endUserId, call, ct);
            return (connections, 200);
        }

        if (target.Name == McpToolNames.HttpRequest)
        {
            var answer = await services.GetRequiredService<McpHttpRequestTool>().RunAsync(args, endUserId, call, ct);
            return (answer, answer.IsError == true ? 502 : 200);
        }

        var input = JsonSerializer.SerializeToElement(args);
        var outcome = await connectFirst.RunActionAsync(session, server, target, new AgentTarget(target.Integration, null, endUserId), input, call, ct);
        if (outcome.ProviderError is { } error)
        {
            return (await McpToolResults.ProviderErrorAsync(error, ct), outcome.UpstreamStatus);
        }

        return (McpToolResults.Data($"{target.Integration} {target.Action}: the provider answered {outcome.UpstreamStatus}.", outcome.Data), 200);
    }
}
