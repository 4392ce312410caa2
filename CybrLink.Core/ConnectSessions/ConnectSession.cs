namespace CybrLink.Core.ConnectSessions;

public enum ConnectSessionStatus
{
    Pending,
    Opened,
    Completed,
    Failed,
    Expired,
    Cancelled,
}

/// <summary>
/// One end user connecting one integration, through a link that works once and expires. The token in the link is
/// stored only as a hash.
/// </summary>
public sealed class ConnectSession
{
    public const string TokenPrefix = "cbl_cs_";

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

    /// <summary>Set for a reconnect session: the connection whose credential the flow replaces.</summary>
    public Guid? ReconnectConnectionId { get; set; }

    /// <summary>
    /// The Nango connect session token of the latest attempt, encrypted (ASP.NET Data Protection), kept only so it
    /// can be revoked once this session is finished; cleared then.
    /// </summary>
    public string? NangoTokenProtected { get; set; }

    public ConnectSessionStatus Status { get; set; }
    public string? ErrorCode { get; set; }
    public Guid? ConnectionId { get; set; }
    public string? CreatedByKeyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public bool IsTerminal => Status is ConnectSessionStatus.Completed or ConnectSessionStatus.Cancelled or ConnectSessionStatus.Expired;

    /// <summary>The status as callers should see it: a session past its expiry is expired even before a sweep marks it.</summary>
    public ConnectSessionStatus EffectiveStatus(DateTimeOffset now) =>
        !IsTerminal && now >= ExpiresAt ? ConnectSessionStatus.Expired : Status;
}
