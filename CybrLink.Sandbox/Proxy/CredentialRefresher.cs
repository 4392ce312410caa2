using System.Collections.Concurrent;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.OAuth;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;

namespace CybrLink.Sandbox.Proxy;

/// <summary>
/// Nango's lazy refresh before a proxy call: refresh when the access token expires within 15 minutes; after a
/// failed refresh, answer 424 <c>connection_refresh_backoff</c> for 30 seconds.
/// </summary>
internal sealed class CredentialRefresher(SandboxStore store, ProviderTokenClient tokens, TimeProvider time, WebhookSender webhooks)
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(30);

    // One refresh at a time per connection, like Nango's refresh lock.
    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _locks = new();

    public async Task<(Connection? Connection, IResult? Error)> EnsureFreshAsync(Connection connection, HttpRequest request, CancellationToken ct)
    {
        if (connection.Credentials is not OAuth2Credentials)
            return (connection, null);
        if (InBackoff(connection))
            return (null, BackoffError());
        if (!NeedsRefresh(connection))
            return (connection, null);

        var gate = _locks.GetOrAdd((connection.ProviderConfigKey, connection.ConnectionId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Another call may have refreshed (or failed) while this one waited.
            var current = store.FindConnection(connection.ProviderConfigKey, connection.ConnectionId);
            if (current is null)
                return (null, NangoResults.Error(400, "server_error", "Failed to get connection"));
            if (InBackoff(current))
                return (null, BackoffError());
            if (!NeedsRefresh(current) || current.Credentials is not OAuth2Credentials { RefreshToken: { } refreshToken })
                return (current, null);

            var integration = store.FindIntegration(current.ProviderConfigKey);
            var result = integration?.Credentials is { } app
                ? await tokens.RefreshAsync(SandboxUrls.ProviderToken(request, current.Provider), app, refreshToken, ct)
                : TokenResult.Failed("The integration has no OAuth app credentials");
            var now = time.GetUtcNow();
            if (result.Credentials is { } fresh)
            {
                var updated = store.Update(current.ProviderConfigKey, current.ConnectionId, c => c with
                {
                    Credentials = fresh, UpdatedAt = now, LastRefreshFailureAt = null, ErrorTypes = [],
                });
                return (updated, null);
            }

            var failed = store.Update(current.ProviderConfigKey, current.ConnectionId, c => c with
            {
                LastRefreshFailureAt = now,
                ErrorTypes = c.ErrorTypes.Contains("auth") ? c.ErrorTypes : [.. c.ErrorTypes, "auth"],
            });
            if (failed is not null)
                webhooks.Send(failed, WebhookOperations.Refresh, AuthModes.OAuth2,
                    new WebhookError("refresh_token_external_error", $"The provider refused the refresh: {result.Error}"));
            return (null, NangoResults.Error(400, "server_error", "Failed to get connection credentials: 'refresh_token_external_error'"));
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsRefresh(Connection c) =>
        c.Credentials is OAuth2Credentials { ExpiresAt: { } expiresAt } && expiresAt - time.GetUtcNow() < RefreshMargin;

    private bool InBackoff(Connection c) => c.LastRefreshFailureAt is { } failedAt && time.GetUtcNow() - failedAt < Backoff;

    private static IResult BackoffError() =>
        NangoResults.Error(424, "connection_refresh_backoff", "The last token refresh failed less than 30 seconds ago; try again later");
}
