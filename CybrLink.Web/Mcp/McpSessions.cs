using System.Collections.Concurrent;
using CybrLink.Core.AgentAccess;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CybrLink.Web.Mcp;

/// <summary>
/// The open MCP sessions of this instance, by session id. Tells the affected ones <c>notifications/tools/list_changed</c>
/// when <see cref="AgentToolsSignal"/> reports a committed change: an agent's policy (that agent's sessions), a
/// connection (the sessions of its end user, and key sessions with no end user), or the catalog (every session).
/// </summary>
public sealed partial class McpSessions
{
    private readonly ConcurrentDictionary<McpServer, McpCallerSession> _open = new();
    private readonly IDbContextFactory<CybrLinkDbContext> _dbFactory;
    private readonly ILogger<McpSessions> _logger;

    public McpSessions(AgentToolsSignal signal, IDbContextFactory<CybrLinkDbContext> dbFactory, ILogger<McpSessions> logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        signal.Changed += change => _ = NotifyAsync(change);
    }

    public int Count => _open.Count;

    /// <summary>Runs a session until it ends, registered for notifications meanwhile.</summary>
    public async Task RunAsync(McpCallerSession session, McpServer server, CancellationToken ct)
    {
        _open[server] = session;
        try
        {
            await server.RunAsync(ct);
        }
        finally
        {
            _open.TryRemove(server, out _);
        }
    }

    /// <summary>The end user a session was opened for: (true, id or null) for an open session, (false, null) otherwise.</summary>
    public (bool Open, string? EndUserId) EndUserOf(string sessionId)
    {
        foreach (var (server, session) in _open)
        {
            if (server.SessionId == sessionId)
            {
                return (true, session.EndUserId);
            }
        }

        return (false, null);
    }

    private async Task NotifyAsync(AgentToolsChange change)
    {
        try
        {
            if (_open.IsEmpty)
            {
                return;
            }

            string? endUserId = null;
            if (change.ConnectionId is { } connectionId)
            {
                await using var db = await _dbFactory.CreateDbContextAsync();
                endUserId = await db.Connections.Where(c => c.Id == connectionId).Select(c => c.EndUserId).SingleOrDefaultAsync();
            }

            foreach (var (server, session) in _open)
            {
                var affected = change switch
                {
                    { AgentId: { } agent } => session.Caller.AgentId == agent,
                    { ConnectionId: not null } => session.EndUserId is null || session.EndUserId == endUserId,
                    _ => true,
                };
                if (affected)
                {
                    await server.SendNotificationAsync(NotificationMethods.ToolListChangedNotification);
                }
            }
        }
        catch (Exception e)
        {
            LogNotifyFailed(_logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling MCP sessions that their tools changed failed ({Error})")]
    private static partial void LogNotifyFailed(ILogger logger, string error);
}
