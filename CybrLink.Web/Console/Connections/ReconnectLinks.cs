using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Web.Connect;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Console.Connections;

/// <summary>A reconnect link made in the console: a reconnect connect session, and its Connect URL.</summary>
public sealed record ReconnectLink(Guid SessionId, string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Creates reconnect links for the console through the same service as the API (same checks, same audit), built on
/// <c>Connect:PublicUrl</c> or the address the console is served on.
/// </summary>
public sealed class ReconnectLinks(ConnectSessionService sessions, IOptions<ConnectOptions> options, NavigationManager navigation)
{
    /// <returns>Null when there is no such connection.</returns>
    /// <exception cref="ConnectSessionStateException">The connection was revoked.</exception>
    public async Task<ReconnectLink?> CreateAsync(Guid connectionId, AuditActor actor, CancellationToken ct = default)
    {
        var created = await sessions.CreateReconnectAsync(connectionId, new ReconnectCommand(), actor, ct);
        return created is null
            ? null
            : new ReconnectLink(created.Id, ConnectLinks.Url(options.Value, navigation.BaseUri.TrimEnd('/'), created.Token), created.ExpiresAt);
    }
}
