using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Nango;
using CybrLink.Core.Security;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// Connect sessions, from the operator's API call to the end user's completed consent. CybrLink never sees the
/// credential: the browser talks to Nango, and CybrLink confirms the result with Nango's connection list.
/// </summary>
public sealed partial class ConnectSessionService(
    IDbContextFactory<CybrLinkDbContext> dbFactory,
    CatalogService catalog,
    INangoApi nango,
    ConnectionRecorder recorder,
    AuditLog audit,
    IOptions<ConnectOptions> connectOptions,
    IOptions<NangoOptions> nangoOptions,
    IDataProtectionProvider dataProtection,
    ILogger<ConnectSessionService> logger,
    TimeProvider time)
{
    private IDataProtector NangoTokenProtector => dataProtection.CreateProtector("CybrLink.ConnectSessions.NangoToken");

    public const int DefaultExpiryMinutes = 30;
    public const int MinExpiryMinutes = 5;
    public const int MaxExpiryMinutes = 60;

    /// <summary>The tag that ties a Nango connection to the CybrLink session that created it.</summary>
    public const string SessionTag = "cybrlink_session_id";

    public async Task<CreatedConnectSession> CreateAsync(
        CreateConnectSessionCommand command, string? actorKeyId, CancellationToken ct = default)
    {
        var integration = await FindOfferedIntegrationAsync(command.Integration, ct);
        var config = ValidateConnectionConfig(integration, command.ConnectionConfig);
        return await CreateSessionAsync(
            integration.Key, command.EndUser, command.Organization, command.ReturnUrl, command.ExpiresInMinutes,
            command.Locale, config, reconnectConnectionId: null, actorKeyId, ct);
    }

    /// <summary>A session that re-authorises an existing connection (same connection afterwards).</summary>
    public async Task<CreatedConnectSession?> CreateReconnectAsync(
        Guid connectionId, ReconnectCommand command, string? actorKeyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null)
        {
            return null;
        }

        var endUser = await db.EndUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == connection.EndUserId, ct);
        var integration = await FindOfferedIntegrationAsync(connection.IntegrationKey, ct);
        return await CreateSessionAsync(
            integration.Key,
            new EndUserInput(connection.EndUserId, endUser?.Email, endUser?.DisplayName),
            connection.OrganizationId is { } org ? new OrganizationInput(org, endUser?.OrganizationName) : null,
            command.ReturnUrl, command.ExpiresInMinutes, command.Locale, new Dictionary<string, string>(),
            connection.Id, actorKeyId, ct);
    }

    public async Task<ConnectSessionView?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ConnectSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return session is null ? null : ToView(session, time.GetUtcNow());
    }

    /// <returns>The cancelled session, or null if there is none with that id.</returns>
    /// <exception cref="ConnectSessionStateException">It already completed, expired or was cancelled.</exception>
    public async Task<ConnectSessionView?> CancelAsync(Guid id, string? actorKeyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ConnectSessions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        EnsureUsable(session, now);
        var nangoToken = session.NangoTokenProtected;
        session.Status = ConnectSessionStatus.Cancelled;
        session.FinishedAt = now;
        session.NangoTokenProtected = null;
        audit.Add(db, AuditActions.SessionCancelled, (AuditActors.ServerKey, actorKeyId), Target(session));
        await db.SaveChangesAsync(ct);
        await RevokeNangoTokenAsync(nangoToken, ct);
        return ToView(session, now);
    }

    /// <summary>The end user opened the link: what the Connect page shows. The first open is recorded.</summary>
    /// <exception cref="ConnectSessionStateException">Unknown, expired, used or cancelled session.</exception>
    public async Task<ConnectPage> OpenAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await FindByTokenAsync(db, token, ct);
        var now = time.GetUtcNow();
        EnsureUsable(session, now);
        if (session.Status == ConnectSessionStatus.Pending)
        {
            session.Status = ConnectSessionStatus.Opened;
            session.OpenedAt = now;
            audit.Add(db, AuditActions.SessionOpened, (AuditActors.EndUser, session.EndUserId), Target(session));
            await db.SaveChangesAsync(ct);
        }

        var integration = await catalog.FindAsync(session.IntegrationKey, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
        var locked = ReadConfig(session);
        return new ConnectPage(
            session.Id, session.Status, session.Locale, integration,
            [.. integration.Fields.ConnectionConfig.Select(f => new ConnectField(f, locked.GetValueOrDefault(f.Name)))],
            session.EndUserId, session.EndUserEmail, session.EndUserDisplayName, session.OrganizationName,
            session.ReturnUrl is not null, session.ExpiresAt, session.ReconnectConnectionId is not null, session.ErrorCode);
    }

    /// <summary>
    /// The end user pressed Connect: creates the Nango connect session (tagged with this session) the browser uses.
    /// </summary>
    /// <param name="fieldValues">Connection-config values typed by the end user; locked values win.</param>
    public async Task<ConnectStart> StartAsync(
        string token, IReadOnlyDictionary<string, string> fieldValues, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await FindByTokenAsync(db, token, ct);
        EnsureUsable(session, time.GetUtcNow());
        var integration = await FindOfferedIntegrationAsync(session.IntegrationKey, ct);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fieldValues)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[name] = value.Trim();
            }
        }

        foreach (var (name, value) in ReadConfig(session))
        {
            values[name] = value;
        }

        var config = ValidateConnectionConfig(integration, values, requireAll: true, fieldPrefix: "");
        var tags = new Dictionary<string, string> { ["end_user_id"] = session.EndUserId, [SessionTag] = session.Id.ToString() };
        if (session.OrganizationId is not null)
        {
            tags["organization_id"] = session.OrganizationId;
        }

        var endUser = new NangoEndUser { Id = session.EndUserId, Email = session.EndUserEmail, DisplayName = session.EndUserDisplayName };
        var organization = session.OrganizationId is null ? null : new NangoOrganization { Id = session.OrganizationId, DisplayName = session.OrganizationName };
        var defaults = config.Count == 0
            ? null
            : new Dictionary<string, NangoIntegrationDefaults>
            {
                [integration.Key] = new()
                {
                    ConnectionConfig = config.ToDictionary(c => c.Key, c => JsonSerializer.SerializeToElement(c.Value)),
                },
            };

        NangoConnectSession nangoSession;
        if (session.ReconnectConnectionId is { } reconnectId)
        {
            var connection = await db.Connections.AsNoTracking().SingleAsync(c => c.Id == reconnectId, ct);
            nangoSession = (await nango.CreateReconnectSessionAsync(new NangoReconnectSessionRequest
            {
                ConnectionId = connection.NangoConnectionId,
                IntegrationId = integration.Key,
                EndUser = endUser,
                Organization = organization,
                IntegrationsConfigDefaults = defaults,
                Tags = tags,
            }, ct)).Data;
        }
        else
        {
            nangoSession = (await nango.CreateConnectSessionAsync(new NangoCreateConnectSessionRequest
            {
                EndUser = endUser,
                Organization = organization,
                AllowedIntegrations = [integration.Key],
                IntegrationsConfigDefaults = defaults,
                Tags = tags,
            }, ct)).Data;
        }

        // Only the latest attempt's Nango token stays valid; an abandoned attempt's token is revoked.
        var previousToken = session.NangoTokenProtected;
        session.NangoTokenProtected = NangoTokenProtector.Protect(nangoSession.Token);
        await db.SaveChangesAsync(ct);
        await RevokeNangoTokenAsync(previousToken, ct);

        var nangoSettings = nangoOptions.Value;
        return new ConnectStart(
            nangoSettings.BrowserBaseUrl, nangoSettings.BrowserWebSocketUrl, nangoSession.Token, integration.Key,
            integration.AuthMode, config);
    }

    /// <summary>
    /// The browser reports the Nango connection id. CybrLink believes it only once Nango's list shows that connection
    /// with this session's tag; then it records the connection and closes the session (single use).
    /// </summary>
    public async Task<ConnectCompletion> CompleteAsync(string token, string nangoConnectionId, CancellationToken ct = default)
    {
        Guid sessionId;
        string integrationKey;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var session = await FindByTokenAsync(db, token, ct);
            // A repeated report (double click, retry after a lost response) gets the same answer.
            if (await CompletedWithAsync(db, session, nangoConnectionId, ct) is { } done)
            {
                return done;
            }

            EnsureUsable(session, time.GetUtcNow());
            sessionId = session.Id;
            integrationKey = session.IntegrationKey;
        }

        // Note: the WebSocket message and the browser are hints anyone could forge; Nango's list is the proof.
        var listed = await nango.ListConnectionsAsync(new NangoConnectionFilter
        {
            ConnectionId = nangoConnectionId,
            IntegrationIds = [integrationKey],
            Tags = new Dictionary<string, string> { [SessionTag] = sessionId.ToString() },
        }, ct);
        var confirmed = listed.Connections.FirstOrDefault(c =>
            c.ConnectionId == nangoConnectionId && c.ProviderConfigKey == integrationKey);
        if (confirmed is null)
        {
            throw new ConnectSessionStateException(ConnectSessionProblem.NotConfirmed);
        }

        if (await CompleteConfirmedAsync(sessionId, confirmed.ConnectionId, (AuditActors.EndUser, null), ct) is { } completion)
        {
            return completion;
        }

        // Nango's webhook (or reconciliation) may have completed the session with this very connection a moment
        // ago; the browser then gets the same answer rather than "already used".
        await using var again = await dbFactory.CreateDbContextAsync(ct);
        var finished = await again.ConnectSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct);
        return await CompletedWithAsync(again, finished, nangoConnectionId, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.AlreadyUsed, finished.Locale);
    }

    /// <summary>The completion of <paramref name="session"/>, if it completed with that Nango connection.</summary>
    private static async Task<ConnectCompletion?> CompletedWithAsync(
        CybrLinkDbContext db, ConnectSession session, string nangoConnectionId, CancellationToken ct)
    {
        if (session.Status != ConnectSessionStatus.Completed || session.ConnectionId is not { } connectionId)
        {
            return null;
        }

        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        return connection?.NangoConnectionId == nangoConnectionId
            ? new ConnectCompletion(session.Id, connectionId, SuccessUrl(session, connectionId))
            : null;
    }

    /// <summary>
    /// Completes a session from a connection Nango confirmed (browser report, webhook or reconciliation).
    /// Returns null when the session was already finished (it completes once).
    /// </summary>
    public async Task<ConnectCompletion?> CompleteConfirmedAsync(
        Guid sessionId, string nangoConnectionId, (string Type, string? Id) actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var session = await db.ConnectSessions.SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || session.IsTerminal)
        {
            return null;
        }

        // Single use, even against a concurrent completion: only one conditional update can move it to Completed.
        var claimed = await db.ConnectSessions
            .Where(s => s.Id == sessionId && s.Status != ConnectSessionStatus.Completed
                && s.Status != ConnectSessionStatus.Cancelled && s.Status != ConnectSessionStatus.Expired)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, ConnectSessionStatus.Completed)
                .SetProperty(x => x.FinishedAt, now)
                .SetProperty(x => x.ErrorCode, (string?)null)
                .SetProperty(x => x.NangoTokenProtected, (string?)null), ct);
        if (claimed == 0)
        {
            return null;
        }

        var actorForEvents = actor.Type == AuditActors.EndUser ? (AuditActors.EndUser, session.EndUserId) : actor;
        var connection = await recorder.RecordAsync(db, new NangoConnectionFacts(
            nangoConnectionId, session.IntegrationKey, session.EndUserId, session.OrganizationId, session.Id), actorForEvents, ct);
        await db.ConnectSessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConnectionId, connection.Id), ct);
        audit.Add(db, AuditActions.SessionCompleted, actorForEvents, Target(session), $"connection={connection.Id}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // Note: Nango's session token would otherwise stay usable for its 30 minutes; single use is enforced here
        // and, from now on, at Nango too.
        await RevokeNangoTokenAsync(session.NangoTokenProtected, ct);
        return new ConnectCompletion(session.Id, connection.Id, SuccessUrl(session, connection.Id));
    }

    /// <summary>The browser reports a failed attempt (e.g. consent denied). The session stays open for a retry.</summary>
    public async Task ReportFailureAsync(string token, string errorCode, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await FindByTokenAsync(db, token, ct);
        EnsureUsable(session, time.GetUtcNow());
        var code = NormalizeErrorCode(errorCode);
        session.Status = ConnectSessionStatus.Failed;
        session.ErrorCode = code;
        audit.Add(db, AuditActions.SessionFailed, (AuditActors.EndUser, session.EndUserId), Target(session), $"error={code}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>For the page's polling (popup blocked, flow finished in another tab).</summary>
    public async Task<ConnectPollStatus> PollAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await FindByTokenAsync(db, token, ct);
        var status = session.EffectiveStatus(time.GetUtcNow());
        return new ConnectPollStatus(
            status, session.ConnectionId, session.ErrorCode,
            status == ConnectSessionStatus.Completed && session.ConnectionId is { } id ? SuccessUrl(session, id) : null);
    }

    /// <summary>Where "back to the app" goes after a failure the user gave up on, or null without a return URL.</summary>
    public async Task<string?> ErrorReturnUrlAsync(string token, string errorCode, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await FindByTokenAsync(db, token, ct);
        return session.ReturnUrl is null
            ? null
            : AppendQuery(session.ReturnUrl, ("status", "error"), ("error", NormalizeErrorCode(errorCode)), ("session_id", session.Id.ToString()));
    }

    /// <summary>Marks sessions past their expiry as expired (and audits each). Returns how many.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var overdue = await db.ConnectSessions
            .Where(s => s.ExpiresAt <= now && (s.Status == ConnectSessionStatus.Pending
                || s.Status == ConnectSessionStatus.Opened || s.Status == ConnectSessionStatus.Failed))
            .ToListAsync(ct);
        foreach (var session in overdue)
        {
            session.Status = ConnectSessionStatus.Expired;
            session.FinishedAt = now;
            session.NangoTokenProtected = null;
            audit.Add(db, AuditActions.SessionExpired, (AuditActors.System, null), Target(session));
        }

        await db.SaveChangesAsync(ct);
        return overdue.Count;
    }

    private async Task<CreatedConnectSession> CreateSessionAsync(
        string integrationKey, EndUserInput endUser, OrganizationInput? organization, string? returnUrl, int expiresInMinutes,
        string? locale, IReadOnlyDictionary<string, string> config, Guid? reconnectConnectionId, string? actorKeyId,
        CancellationToken ct)
    {
        ValidateEndUser(endUser, organization);
        if (expiresInMinutes is < MinExpiryMinutes or > MaxExpiryMinutes)
        {
            throw new ConnectValidationException("expires_in_minutes", $"Must be between {MinExpiryMinutes} and {MaxExpiryMinutes}.");
        }

        var normalizedReturnUrl = ValidateReturnUrl(returnUrl);
        var token = SecretTokens.Generate(ConnectSession.TokenPrefix);
        var now = time.GetUtcNow();
        var session = new ConnectSession
        {
            Id = Guid.CreateVersion7(),
            TokenHash = SecretTokens.Hash(token),
            IntegrationKey = integrationKey,
            EndUserId = endUser.Id,
            EndUserEmail = endUser.Email,
            EndUserDisplayName = endUser.DisplayName,
            OrganizationId = organization?.Id,
            OrganizationName = organization?.DisplayName,
            ReturnUrl = normalizedReturnUrl,
            Locale = string.IsNullOrWhiteSpace(locale) ? null : locale.Trim(),
            ConnectionConfigJson = JsonSerializer.Serialize(config),
            ReconnectConnectionId = reconnectConnectionId,
            Status = ConnectSessionStatus.Pending,
            CreatedByKeyId = actorKeyId,
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(expiresInMinutes),
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await UpsertEndUserAsync(db, endUser, organization, now, ct);
        db.ConnectSessions.Add(session);
        audit.Add(db, AuditActions.SessionCreated, (AuditActors.ServerKey, actorKeyId), Target(session),
            $"integration={integrationKey} end_user={endUser.Id}" + (reconnectConnectionId is { } r ? $" reconnect={r}" : ""));
        await db.SaveChangesAsync(ct);
        return new CreatedConnectSession(session.Id, token, session.ExpiresAt);
    }

    private static async Task UpsertEndUserAsync(
        CybrLinkDbContext db, EndUserInput input, OrganizationInput? organization, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.EndUsers.SingleOrDefaultAsync(u => u.Id == input.Id, ct);
        if (user is null)
        {
            user = new EndUser { Id = input.Id, CreatedAt = now };
            db.EndUsers.Add(user);
        }

        user.Email = input.Email ?? user.Email;
        user.DisplayName = input.DisplayName ?? user.DisplayName;
        user.OrganizationId = organization?.Id ?? user.OrganizationId;
        user.OrganizationName = organization?.DisplayName ?? user.OrganizationName;
        user.UpdatedAt = now;
    }

    private async Task<CatalogEntry> FindOfferedIntegrationAsync(string key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ConnectValidationException("integration", "An integration is required.");
        }

        var integration = await catalog.FindOfferedAsync(key, ct);
        if (integration is null && await catalog.FindAsync(key, ct) is null)
        {
            // Not seen yet: it may have been added to Nango since the last scheduled refresh.
            await catalog.RefreshAsync(ct);
            integration = await catalog.FindOfferedAsync(key, ct);
        }

        return integration ?? throw new ConnectValidationException("integration", $"'{key}' is not an enabled integration.");
    }

    private static void ValidateEndUser(EndUserInput endUser, OrganizationInput? organization)
    {
        if (string.IsNullOrWhiteSpace(endUser.Id) || endUser.Id.Length > EndUser.MaxIdLength)
        {
            throw new ConnectValidationException("end_user.id", $"An end user id of 1 to {EndUser.MaxIdLength} characters is required.");
        }

        if (endUser.Email is { } email && (email.Length is < 5 or > 320 || !email.Contains('@')))
        {
            throw new ConnectValidationException("end_user.email", "Must be an email address.");
        }

        if (endUser.DisplayName is { Length: > 255 })
        {
            throw new ConnectValidationException("end_user.display_name", "At most 255 characters.");
        }

        if (organization is not null && (string.IsNullOrWhiteSpace(organization.Id) || organization.Id.Length > 255))
        {
            throw new ConnectValidationException("organization.id", "An organization id of 1 to 255 characters is required.");
        }
    }

    private string? ValidateReturnUrl(string? returnUrl)
    {
        if (returnUrl is null)
        {
            return null;
        }

        if (!Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConnectValidationException("return_url", "Must be an absolute http(s) URL.");
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        var allowed = connectOptions.Value.AllowedReturnOrigins
            .Any(o => Uri.TryCreate(o, UriKind.Absolute, out var a) && string.Equals(a.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));
        if (!allowed)
        {
            // Note: an open redirect after consent would let a phishing link borrow CybrLink's trusted page.
            throw new ConnectValidationException("return_url", $"The origin {origin} is not in Connect:AllowedReturnOrigins.");
        }

        return uri.ToString();
    }

    private static Dictionary<string, string> ValidateConnectionConfig(
        CatalogEntry integration, IReadOnlyDictionary<string, string>? values, bool requireAll = false, string fieldPrefix = "connection_config.")
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = integration.Fields.ConnectionConfig.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            if (!fields.TryGetValue(name, out var field))
            {
                throw new ConnectValidationException(fieldPrefix + name, $"'{integration.Key}' has no connection setting '{name}'.");
            }

            if (value.Length > 1024 || (field.Pattern is { } pattern && !Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100))))
            {
                throw new ConnectValidationException(fieldPrefix + name, $"'{value}' is not a valid {field.Title}.");
            }

            result[name] = value;
        }

        if (requireAll && fields.Values.FirstOrDefault(f => !f.Optional && !result.ContainsKey(f.Name)) is { } missing)
        {
            throw new ConnectValidationException(fieldPrefix + missing.Name, $"{missing.Title} is required.");
        }

        return result;
    }

    private static async Task<ConnectSession> FindByTokenAsync(CybrLinkDbContext db, string token, CancellationToken ct)
    {
        if (!SecretTokens.HasShape(token, ConnectSession.TokenPrefix))
        {
            throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
        }

        // Note: looked up by SHA-256 of a 256-bit secret: the hash reveals nothing, so an index lookup is safe here.
        var hash = SecretTokens.Hash(token);
        return await db.ConnectSessions.SingleOrDefaultAsync(s => s.TokenHash == hash, ct)
            ?? throw new ConnectSessionStateException(ConnectSessionProblem.NotFound);
    }

    private static void EnsureUsable(ConnectSession session, DateTimeOffset now)
    {
        switch (session.EffectiveStatus(now))
        {
            case ConnectSessionStatus.Completed:
                throw new ConnectSessionStateException(ConnectSessionProblem.AlreadyUsed, session.Locale);
            case ConnectSessionStatus.Cancelled:
                throw new ConnectSessionStateException(ConnectSessionProblem.Cancelled, session.Locale);
            case ConnectSessionStatus.Expired:
                throw new ConnectSessionStateException(ConnectSessionProblem.Expired, session.Locale);
        }
    }

    /// <summary>Best effort: a token Nango no longer knows, or Nango being down, is logged and otherwise ignored.</summary>
    private async Task RevokeNangoTokenAsync(string? protectedToken, CancellationToken ct)
    {
        if (protectedToken is null)
        {
            return;
        }

        try
        {
            await nango.DeleteConnectSessionAsync(NangoTokenProtector.Unprotect(protectedToken), ct);
        }
        catch (Exception e) when (e is NangoApiException or NangoUnavailableException or CryptographicException)
        {
            LogRevokeFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A Nango connect session token could not be revoked ({Reason}); it expires by itself")]
    private static partial void LogRevokeFailed(ILogger logger, string reason);

    private static Dictionary<string, string> ReadConfig(ConnectSession session) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(session.ConnectionConfigJson) ?? [];

    private static string NormalizeErrorCode(string code)
    {
        var cleaned = new string([.. code.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').Take(64)]);
        return cleaned.Length == 0 ? "unknown_error" : cleaned;
    }

    private static string? SuccessUrl(ConnectSession session, Guid connectionId) =>
        session.ReturnUrl is null
            ? null
            : AppendQuery(session.ReturnUrl, ("status", "success"), ("connection_id", connectionId.ToString()), ("session_id", session.Id.ToString()));

    private static string AppendQuery(string url, params (string Name, string Value)[] parameters)
    {
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
        var fragmentAt = url.IndexOf('#');
        var (head, fragment) = fragmentAt < 0 ? (url, "") : (url[..fragmentAt], url[fragmentAt..]);
        return head + (head.Contains('?') ? "&" : "?") + query + fragment;
    }

    private static (string, string) Target(ConnectSession session) => ("connect_session", session.Id.ToString());

    private static ConnectSessionView ToView(ConnectSession s, DateTimeOffset now) => new(
        s.Id, s.EffectiveStatus(now), s.IntegrationKey, s.EndUserId, s.ConnectionId, s.ErrorCode, s.CreatedAt, s.ExpiresAt,
        s.ReconnectConnectionId is not null);
}
