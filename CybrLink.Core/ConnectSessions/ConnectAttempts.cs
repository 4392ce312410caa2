using System.Text.Json;
using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// The end user pressed Connect: a fresh Nango connect session for this attempt, tagged with CybrLink's session, and
/// what the browser needs to run Nango's flow. CybrLink never sees the credential the person then gives Nango.
/// </summary>
public sealed class ConnectAttempts(
    IDbContextFactory<CybrLinkDbContext> dbFactory, CatalogService catalog, NangoSessionTokens nangoTokens,
    IOptions<NangoOptions> nangoOptions, TimeProvider time)
{
    /// <param name="fieldValues">Connection-config values typed by the end user; locked values win.</param>
    /// <exception cref="NangoApiException">Nango refused; <see cref="NangoApiException.IsRateLimited"/> means "busy, retry".</exception>
    public Task<ConnectStart> StartAsync(
        string token, IReadOnlyDictionary<string, string> fieldValues, CancellationToken ct = default) =>
        StartAsync(token, fieldValues, describeConsent: null, ct);

    /// <param name="fieldValues">Connection-config values typed by the end user; locked values win.</param>
    /// <param name="describeConsent">
    /// What the page showed the person (the Connect UI renders the wording); recorded on the session as their consent
    /// once Nango has started the attempt. Null when no consent page was shown (nothing is recorded).
    /// </param>
    /// <exception cref="NangoApiException">Nango refused; <see cref="NangoApiException.IsRateLimited"/> means "busy, retry".</exception>
    public async Task<ConnectStart> StartAsync(
        string token, IReadOnlyDictionary<string, string> fieldValues, Func<ConsentContext, ConsentShown>? describeConsent,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await ConnectSessionLookup.ByTokenAsync(db, token, ct);
        session.EnsureUsable(time.GetUtcNow());
        var integration = await catalog.FindOfferedOrRefreshAsync(session.IntegrationKey, ct)
            ?? throw new ConnectValidationException("integration", $"'{session.IntegrationKey}' is not an enabled integration.");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fieldValues)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[name] = value.Trim();
            }
        }

        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(session.ConnectionConfigJson) ?? [])
        {
            values[name] = value;
        }

        var config = ConnectionConfigRules.Validate(integration, values, requireAll: true, fieldPrefix: "");
        var reconnectNangoId = session.ReconnectConnectionId is { } reconnectId
            ? await db.Connections.Where(c => c.Id == reconnectId).Select(c => c.NangoConnectionId).SingleAsync(ct)
            : null;

        var (nangoToken, replaced) = await nangoTokens.IssueAsync(session, reconnectNangoId, config, ct);
        session.AttemptConfigJson = JsonSerializer.Serialize(config);
        if (describeConsent is not null)
        {
            session.RecordConsent(describeConsent(new ConsentContext(integration, session.Locale)), time.GetUtcNow());
        }

        await db.SaveChangesAsync(ct);
        await nangoTokens.RevokeAsync(replaced, ct);

        var nango = nangoOptions.Value;
        return new ConnectStart(nango.BrowserBaseUrl, nango.BrowserWebSocketUrl, nangoToken, integration.Key, integration.AuthMode, config);
    }
}
