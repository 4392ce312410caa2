using CybrLink.Core.Catalog;

namespace CybrLink.Core.ConnectSessions;

/// <summary>A new session. The token exists only here: the database keeps its hash.</summary>
public sealed record CreatedConnectSession(Guid Id, string Token, DateTimeOffset ExpiresAt);

public sealed record ConnectSessionView(
    Guid Id, ConnectSessionStatus Status, string Integration, string EndUserId, Guid? ConnectionId, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool IsReconnect)
{
    public static ConnectSessionView Of(ConnectSession s, DateTimeOffset now) => new(
        s.Id, s.EffectiveStatus(now), s.IntegrationKey, s.EndUserId, s.ConnectionId, s.ErrorCode, s.CreatedAt, s.ExpiresAt,
        s.ReconnectConnectionId is not null);
}

/// <summary>A form field on the Connect page: its schema and, when the operator's server set it, the locked value.</summary>
public sealed record ConnectField(IntegrationField Schema, string? LockedValue);

/// <summary>Everything the Connect UI shows for a session it may still complete.</summary>
public sealed record ConnectPage(
    Guid SessionId,
    ConnectSessionStatus Status,
    string? Locale,
    CatalogEntry Integration,
    IReadOnlyList<ConnectField> ConnectionFields,
    string EndUserId,
    string? EndUserEmail,
    string? EndUserDisplayName,
    string? OrganizationName,
    bool HasReturnUrl,
    DateTimeOffset ExpiresAt,
    bool IsReconnect,
    string? LastErrorCode);

/// <summary>What the browser needs to run Nango's auth flow for this session.</summary>
public sealed record ConnectStart(
    string NangoBaseUrl,
    string NangoWebSocketUrl,
    string NangoSessionToken,
    string Integration,
    string AuthMode,
    IReadOnlyDictionary<string, string> Params);

/// <summary>A completed session: where to send the browser (null = show "you can close this window").</summary>
public sealed record ConnectCompletion(Guid SessionId, Guid ConnectionId, string? RedirectUrl);

public sealed record ConnectPollStatus(ConnectSessionStatus Status, Guid? ConnectionId, string? ErrorCode, string? RedirectUrl);

/// <summary>
/// What the Connect page showed the person when they consented: the integration's name, the scopes text (the
/// catalog's requested scopes, or the generic sentence shown when there are none) and the whole consent wording,
/// exactly as rendered in <paramref name="Locale"/>.
/// </summary>
public sealed record ConsentShown(string IntegrationName, string? ScopesText, string Wording, string Locale);

/// <summary>What the Connect UI needs to say what the person consents to: the integration and the session's locale.</summary>
public sealed record ConsentContext(CatalogEntry Integration, string? SessionLocale);
