namespace CybrLink.Core.Connections;

public enum ConnectionStatus
{
    Active,
    Error,
    Revoked,
}

/// <summary>
/// CybrLink's record of a Nango connection: who it belongs to and whether it may be used. Nango holds the credential;
/// this row never does.
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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
