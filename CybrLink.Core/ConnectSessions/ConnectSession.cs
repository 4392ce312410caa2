using System.Linq.Expressions;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// pending → opened → completed | expired | cancelled. A failed attempt (consent denied, provider error) does not end
/// the session: it stays open with <see cref="ConnectSession.ErrorCode"/> (the API's <c>last_error</c>) so the person
/// can try again until it expires.
/// </summary>
public enum ConnectSessionStatus
{
    Pending,
    Opened,
    Completed,

    /// <summary>Written by earlier versions for a failed attempt; read as <see cref="Opened"/>.</summary>
    Failed,
    Expired,
    Cancelled,
}

/// <summary>
/// One end user connecting one integration, through a link that works once and expires. The token in the link is
/// stored only as a hash. State changes happen through the methods below; completion is a conditional update
/// (see <c>ConnectSessionCompleter</c>) so that only one caller can win it.
/// </summary>
public sealed class ConnectSession
{
    public const string TokenPrefix = "cbl_cs_";
    public const int MaxErrorCodeLength = 64;
    public const int MaxConsentNameLength = 255;
    public const int MaxConsentScopesLength = 2000;
    public const int MaxConsentWordingLength = 4000;
    public const int MaxConsentLocaleLength = 35;

    /// <summary>Sessions that can still complete (not completed, expired or cancelled), as a query.</summary>
    public static readonly Expression<Func<ConnectSession, bool>> IsOpenExpression = s =>
        s.Status == ConnectSessionStatus.Pending || s.Status == ConnectSessionStatus.Opened || s.Status == ConnectSessionStatus.Failed;

    private static readonly Func<ConnectSession, bool> IsOpenCompiled = IsOpenExpression.Compile();

    public Guid Id { get; set; }
    public required string TokenHash { get; set; }
    public required string IntegrationKey { get; set; }
    public required string EndUserId { get; set; }
    public string? EndUserEmail { get; set; }
    public string? EndUserDisplayName { get; set; }
    public string? OrganizationId { get; set; }
    public string? OrganizationName { get; set; }
    public string? ReturnUrl { get; set; }
    public string? Locale { get; set; }

    /// <summary>Connection-config values the operator's server set (JSON object); shown locked in the Connect UI.</summary>
    public string ConnectionConfigJson { get; set; } = "{}";

    /// <summary>
    /// The connection-config values of the latest attempt (locked values plus what the person typed), kept so the
    /// connection remembers the settings it was made with. Settings such as a subdomain, never a credential.
    /// </summary>
    public string? AttemptConfigJson { get; set; }

    /// <summary>Set for a reconnect session: the connection whose credential the flow replaces.</summary>
    public Guid? ReconnectConnectionId { get; set; }

    /// <summary>
    /// The Nango connect session token of the latest attempt, encrypted (ASP.NET Data Protection), kept only so it
    /// can be revoked once this session is finished; cleared then.
    /// </summary>
    public string? NangoTokenProtected { get; set; }

    public ConnectSessionStatus Status { get; set; }

    /// <summary>Why the latest attempt failed (<c>last_error</c>); cleared when the session completes.</summary>
    public string? ErrorCode { get; set; }
    public Guid? ConnectionId { get; set; }
    public string? CreatedByKeyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>
    /// When the person pressed the button that started the latest attempt: the consent. With it, what they were
    /// shown then (the integration's name, the scopes text and the wording, in their language), so the record stays
    /// true after the catalog or the translations change. Null for attempts made before this was recorded.
    /// </summary>
    public DateTimeOffset? ConsentedAt { get; set; }
    public string? ConsentIntegrationName { get; set; }
    public string? ConsentScopesText { get; set; }
    public string? ConsentWording { get; set; }
    public string? ConsentLocale { get; set; }

    public bool IsOpen => IsOpenCompiled(this);

    /// <summary>The status as callers should see it: past its expiry it is expired even before a sweep marks it.</summary>
    public ConnectSessionStatus EffectiveStatus(DateTimeOffset now) => this switch
    {
        { IsOpen: true } when now >= ExpiresAt => ConnectSessionStatus.Expired,
        { Status: ConnectSessionStatus.Failed } => ConnectSessionStatus.Opened,
        _ => Status,
    };

    /// <summary>The end user opened the link. True the first time.</summary>
    public bool Open(DateTimeOffset now)
    {
        if (Status != ConnectSessionStatus.Pending)
        {
            return false;
        }

        Status = ConnectSessionStatus.Opened;
        OpenedAt = now;
        return true;
    }

    /// <exception cref="ConnectSessionStateException">Completed, cancelled or expired: it can no longer be used.</exception>
    public void EnsureUsable(DateTimeOffset now)
    {
        var problem = EffectiveStatus(now) switch
        {
            ConnectSessionStatus.Completed => ConnectSessionProblem.AlreadyUsed,
            ConnectSessionStatus.Cancelled => ConnectSessionProblem.Cancelled,
            ConnectSessionStatus.Expired => ConnectSessionProblem.Expired,
            _ => (ConnectSessionProblem?)null,
        };
        if (problem is { } p)
        {
            throw new ConnectSessionStateException(p, Locale);
        }
    }

    /// <summary>The person consented to what <paramref name="shown"/> describes; a later attempt's consent replaces it.</summary>
    public void RecordConsent(ConsentShown shown, DateTimeOffset now)
    {
        ConsentedAt = now;
        ConsentIntegrationName = Clip(shown.IntegrationName, MaxConsentNameLength);
        ConsentScopesText = Clip(shown.ScopesText, MaxConsentScopesLength);
        ConsentWording = Clip(shown.Wording, MaxConsentWordingLength);
        ConsentLocale = Clip(shown.Locale, MaxConsentLocaleLength);
    }

    public void Cancel(DateTimeOffset now) => Finish(ConnectSessionStatus.Cancelled, now);

    public void Expire(DateTimeOffset now) => Finish(ConnectSessionStatus.Expired, now);

    private static string? Clip(string? text, int max) => text is { Length: var n } && n > max ? text[..max] : text;

    private void Finish(ConnectSessionStatus status, DateTimeOffset now)
    {
        Status = status;
        FinishedAt = now;
        NangoTokenProtected = null;
    }
}
