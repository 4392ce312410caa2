namespace CybrLink.Core.Connections;

public enum ConnectionStatus
{
    Active,
    Error,
    Revoked,
}

/// <summary>
/// CybrLink's record of a Nango connection: who it belongs to and whether it may be used. Nango holds the credential;
/// this row never does. Active ⇄ Error; Revoked is final (a revoked connection is never revived by a hint).
/// </summary>
public sealed class Connection
{
    public const int MaxNangoIdLength = 255;

    public Guid Id { get; set; }
    public required string NangoConnectionId { get; set; }
    public required string IntegrationKey { get; set; }
    public required string EndUserId { get; set; }
    public string? OrganizationId { get; set; }
    public ConnectionStatus Status { get; set; }
    public string? ErrorDetail { get; set; }
    public Guid? ConnectSessionId { get; set; }

    /// <summary>The connection settings it was made with (JSON object, e.g. a subdomain); settings, never a credential.</summary>
    public string? ConnectionConfigJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Revoked in CybrLink, but the delete in Nango has not succeeded yet; reconciliation retries it.</summary>
    public bool NangoDeletePending { get; set; }

    /// <summary>
    /// Demo data made by <c>seed-demo</c>: it exists only in CybrLink. Never sent to Nango, left alone by
    /// reconciliation, refused by the agent gate; revoking it only blocks it.
    /// </summary>
    public bool IsDemo { get; set; }

    /// <summary>Nango reports that the credential stopped working (refresh failing). True if that changed the status.</summary>
    public bool MarkErrored(string detail, DateTimeOffset now)
    {
        if (Status != ConnectionStatus.Active)
        {
            return false;
        }

        Status = ConnectionStatus.Error;
        ErrorDetail = detail;
        UpdatedAt = now;
        return true;
    }

    /// <summary>Nango no longer reports an error. True if that changed the status.</summary>
    public bool Recover(DateTimeOffset now)
    {
        if (Status != ConnectionStatus.Error)
        {
            return false;
        }

        Status = ConnectionStatus.Active;
        ErrorDetail = null;
        UpdatedAt = now;
        return true;
    }

    /// <summary>The end user consented again (a reconnect). True if that changed the record.</summary>
    public bool Reauthorise(Guid? sessionId, string? configJson, DateTimeOffset now)
    {
        var newSession = sessionId is not null && sessionId != ConnectSessionId;
        if (Status == ConnectionStatus.Revoked || (Status == ConnectionStatus.Active && !newSession))
        {
            return false;
        }

        Status = ConnectionStatus.Active;
        ErrorDetail = null;
        ConnectSessionId = sessionId ?? ConnectSessionId;
        ConnectionConfigJson = configJson ?? ConnectionConfigJson;
        UpdatedAt = now;
        return true;
    }

    public void MarkRevokedExternally(DateTimeOffset now)
    {
        Status = ConnectionStatus.Revoked;
        RevokedAt = now;
        ErrorDetail = "The connection no longer exists in Nango.";
        UpdatedAt = now;
    }
}
