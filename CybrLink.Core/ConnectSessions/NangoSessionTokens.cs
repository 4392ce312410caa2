using System.Security.Cryptography;
using System.Text.Json;
using CybrLink.Core.Nango;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// Custody of Nango's connect session tokens: one per attempt, created at Nango tagged with CybrLink's session, kept
/// only encrypted so it can be revoked when the attempt is replaced or the session ends.
/// </summary>
public sealed partial class NangoSessionTokens(
    INangoApi nango, IDataProtectionProvider dataProtection, ILogger<NangoSessionTokens> logger)
{
    /// <summary>The longest CybrLink waits in a request for Nango's rate limit before telling the browser to retry.</summary>
    public static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(2);

    private IDataProtector Protector => dataProtection.CreateProtector("CybrLink.ConnectSessions.NangoToken");

    /// <summary>
    /// Creates the Nango connect session for a new attempt of <paramref name="session"/> and stores its token (encrypted)
    /// on the session. Returns the plain token for the browser and the replaced attempt's token, to revoke once saved.
    /// </summary>
    /// <param name="reconnectNangoId">For a reconnect: the Nango connection whose credential the attempt replaces.</param>
    /// <exception cref="NangoApiException">Nango refused, or is still rate limiting after a short wait.</exception>
    public async Task<(string Token, string? Replaced)> IssueAsync(
        ConnectSession session, string? reconnectNangoId, IReadOnlyDictionary<string, string> config, CancellationToken ct)
    {
        var tags = new Dictionary<string, string> { [NangoTags.EndUserId] = session.EndUserId, [NangoTags.SessionId] = session.Id.ToString() };
        if (session.OrganizationId is not null)
        {
            tags[NangoTags.OrganizationId] = session.OrganizationId;
        }

        var endUser = new NangoEndUser { Id = session.EndUserId, Email = session.EndUserEmail, DisplayName = session.EndUserDisplayName };
        var organization = session.OrganizationId is null
            ? null
            : new NangoOrganization { Id = session.OrganizationId, DisplayName = session.OrganizationName };
        var defaults = config.Count == 0
            ? null
            : new Dictionary<string, NangoIntegrationDefaults>
            {
                [session.IntegrationKey] = new()
                {
                    ConnectionConfig = config.ToDictionary(c => c.Key, c => JsonSerializer.SerializeToElement(c.Value)),
                },
            };

        var created = await WithRateLimitWaitAsync(ct => reconnectNangoId is null
            ? nango.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
            {
                EndUser = endUser,
                Organization = organization,
                AllowedIntegrations = [session.IntegrationKey],
                IntegrationsConfigDefaults = defaults,
                Tags = tags,
            }, ct)
            : nango.CreateReconnectSessionAsync(new NangoReconnectSessionRequest
            {
                ConnectionId = reconnectNangoId,
                IntegrationId = session.IntegrationKey,
                EndUser = endUser,
                Organization = organization,
                IntegrationsConfigDefaults = defaults,
                Tags = tags,
            }, ct), ct);

        // Only the latest attempt's Nango token stays valid; the replaced one is revoked by the caller once saved.
        var replaced = session.NangoTokenProtected;
        session.NangoTokenProtected = Protector.Protect(created.Data.Token);
        return (created.Data.Token, replaced);
    }

    /// <summary>Best effort: a token Nango no longer knows, or Nango being down, is logged and otherwise ignored.</summary>
    public async Task RevokeAsync(string? protectedToken, CancellationToken ct)
    {
        if (protectedToken is null)
        {
            return;
        }

        try
        {
            await nango.DeleteConnectSessionAsync(Protector.Unprotect(protectedToken), ct);
        }
        catch (Exception e) when (e is NangoApiException or NangoUnavailableException or CryptographicException)
        {
            LogRevokeFailed(logger, e.GetType().Name);
        }
    }

    /// <summary>A 429 means Nango did nothing: wait its Retry-After once when that is short, else let the caller say "busy".</summary>
    private async Task<T> WithRateLimitWaitAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (NangoApiException e) when (e.IsRateLimited)
        {
            LogRateLimited(logger, e.RetryAfter!.Value.TotalSeconds);
            if (e.RetryAfter > MaxInlineWait)
            {
                throw;
            }

            // Note: Nango's clock, not the domain's: a real wait whatever TimeProvider the app runs on.
            await Task.Delay(e.RetryAfter.Value, ct);
            return await call(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A Nango connect session token could not be revoked ({Reason}); it expires by itself")]
    private static partial void LogRevokeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nango's API rate limit was reached (DEFAULT_RATE_LIMIT_PER_MIN on the Nango server); retry after {RetryAfterSeconds} s. Raise the limit if this happens often")]
    private static partial void LogRateLimited(ILogger logger, double retryAfterSeconds);
}
