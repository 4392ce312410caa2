namespace CybrLink.Core.Audit;

/// <summary>An append-only record of something that happened: who did what to which thing. Never a token or a body.</summary>
public sealed class AuditEvent
{
    public Guid Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Action { get; set; }
    public required string ActorType { get; set; }
    public string? ActorId { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public string? Detail { get; set; }
}

public static class AuditActors
{
    public const string ServerKey = "server_key";
    public const string EndUser = "end_user";
    public const string Nango = "nango";
    public const string System = "system";
    public const string Operator = "operator";
}

public static class AuditActions
{
    public const string SessionCreated = "connect_session.created";
    public const string SessionOpened = "connect_session.opened";
    public const string SessionCompleted = "connect_session.completed";
    public const string SessionFailed = "connect_session.failed";
    public const string SessionExpired = "connect_session.expired";
    public const string SessionCancelled = "connect_session.cancelled";
    public const string ConnectionCreated = "connection.created";
    public const string ConnectionUpdated = "connection.updated";
    public const string ConnectionErrored = "connection.errored";
    public const string ConnectionRevokedExternally = "connection.revoked_externally";
}
