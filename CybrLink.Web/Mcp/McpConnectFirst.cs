using System.Text.Json;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Web.Connect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CybrLink.Web.Mcp;

/// <summary>
/// "Connect first, inside the conversation": when an action needs a connection the end user does not have and the rule
/// allows asking for one, a client that declared URL-mode elicitation is sent the connect link; once the end user has
/// connected (the connection is committed), the original call runs and its result is the tool's result. Any other
/// client gets the refusal, which carries the link.
/// </summary>
public sealed class McpConnectFirst(
    AgentActions actions, AgentToolsSignal signal, IDbContextFactory<CybrLinkDbContext> dbFactory, IOptions<ConnectOptions> connect, TimeProvider time)
{
    public string LinkFor(McpCallerSession session, string token) => ConnectLinks.Url(connect.Value, session.RequestBase, token);

    public async Task<AgentActionOutcome> RunActionAsync(
        McpCallerSession session, McpServer server, McpToolTarget tool, AgentTarget target, JsonElement input, AgentCallDraft call, CancellationToken ct)
    {
        try
        {
            return await actions.RunAsync(tool.Integration!, tool.Action!, target, input, call, ct);
        }
        catch (AgentAccessException e) when (e.Refusal == AgentRefusal.ConnectionRequired && session.CanElicitUrl && e.ConnectSession is { } connectSession)
        {
            if (!await ConnectAsync(server, target.EndUserId!, tool.Integration!, LinkFor(session, connectSession.Token), connectSession.ExpiresAt, ct))
            {
                throw;
            }

            call.Decision = null;
            call.Reason = null;
            return await actions.RunAsync(tool.Integration!, tool.Action!, target, input, call, ct);
        }
    }

    /// <summary>Sends the link and waits until the end user has a usable connection; false when declined or expired.</summary>
    private async Task<bool> ConnectAsync(McpServer server, string endUserId, string integration, string url, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(AgentToolsChange change)
        {
            if (change.ConnectionId is not null)
            {
                _ = CheckAsync();
            }
        }

        async Task CheckAsync()
        {
            try
            {
                if (await HasUsableConnectionAsync(endUserId, integration, CancellationToken.None))
                {
                    connected.TrySetResult();
                }
            }
            catch (Exception e)
            {
                connected.TrySetException(e);
            }
        }

        signal.Changed += OnChanged;
        try
        {
            var elicitationId = "connect_" + Guid.NewGuid().ToString("N");
            var answer = await server.ElicitAsync(new ElicitRequestParams
            {
                Mode = "url",
                Url = url,
                ElicitationId = elicitationId,
                Message = $"Connect your {integration} account so the assistant can continue.",
            }, ct);
            if (!answer.IsAccepted)
            {
                return false;
            }

            // A connection that landed between the refusal and the subscription is seen here.
            await CheckAsync();
            var wait = expiresAt - time.GetUtcNow();
            try
            {
                await connected.Task.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, ct);
            }
            catch (TimeoutException)
            {
                return false;
            }

            await server.SendNotificationAsync(NotificationMethods.ElicitationCompleteNotification,
                new ElicitationCompleteNotificationParams { ElicitationId = elicitationId }, cancellationToken: ct);
            return true;
        }
        finally
        {
            signal.Changed -= OnChanged;
        }
    }

    private async Task<bool> HasUsableConnectionAsync(string endUserId, string integration, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Connections.AnyAsync(c => c.EndUserId == endUserId && c.IntegrationKey == integration && c.Status == ConnectionStatus.Active, ct);
    }
}
