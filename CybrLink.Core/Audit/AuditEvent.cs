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

    /// <summary>The event's place in the hash chain: 1, 2, 3, ... with no gaps (set when it is saved).</summary>
    public long Sequence { get; set; }

    /// <summary>The <see cref="Hash"/> of the event before it (64 zeros before the first), lowercase hex.</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>SHA-256 over <see cref="PreviousHash"/> and this event's canonical content (see <see cref="AuditChainHash"/>).</summary>
    public string Hash { get; set; } = "";
}

/// <summary>Who did it: a server key, an end user, Nango, or CybrLink itself.</summary>
public sealed record AuditActor(string Type, string? Id)
{
    private const string EndUserType = "end_user";

    public static readonly AuditActor Nango = new("nango", null);
    public static readonly AuditActor Reconciliation = new("system", "reconciliation");
    public static readonly AuditActor System = new("system", null);

    /// <summary>The audit retention job (<c>Audit:RetentionDays</c>).</summary>
    public static readonly AuditActor Retention = new("system", "retention");

    /// <summary>An operator at the command line (<c>create-agent</c>).</summary>
    public static readonly AuditActor Cli = new("system", "cli");

    /// <summary>The end user of the session being acted on; services that know the session fill in the id.</summary>
    public static readonly AuditActor SessionEndUser = new(EndUserType, null);

    public static AuditActor ServerKey(string? keyId) => new("server_key", keyId);
    public static AuditActor EndUser(string endUserId) => new(EndUserType, endUserId);
    public static AuditActor Agent(Guid agentId) => new("agent", agentId.ToString());

    /// <summary>An operator in the console, by their email.</summary>
    public static AuditActor Operator(string email) => new("operator", email);

    /// <summary>This actor, with the end user's id filled in when it acts as the session's end user.</summary>
    public AuditActor For(string endUserId) => Type == EndUserType && Id is null ? EndUser(endUserId) : this;
}

/// <summary>What it was done to.</summary>
public sealed record AuditTarget(string Type, string Id)
{
    public static AuditTarget ConnectSession(Guid id) => new("connect_session", id.ToString());
    public static AuditTarget Connection(Guid id) => new("connection", id.ToString());
    public static AuditTarget EndUser(string id) => new("end_user", id);
    public static AuditTarget Agent(Guid id) => new("agent", id.ToString());
    public static AuditTarget AgentKey(Guid id) => new("agent_key", id.ToString());
    public static AuditTarget AgentToken(Guid id) => new("agent_token", id.ToString());
    public static AuditTarget Operator(string email) => new("operator", email);

    // Console: operators admin and Viewer read-only (issue 12 §7, §9): targets of refused console actions.
    /// <summary>A server key; null for one not created yet (a refused "create").</summary>
    public static AuditTarget ServerKey(Guid? id) => new("server_key", id?.ToString() ?? "new");
    public static AuditTarget Integration(string key) => new("integration", key);
    /// <summary>The audit log itself (retention).</summary>
    public static readonly AuditTarget AuditLog = new("audit_log", "audit_events");
}

public static class AuditActions
{
    public const string SessionCreated = "connect_session.created";
    public const string SessionOpened = "connect_session.opened";
    public const string SessionCompleted = "connect_session.completed";
    public const string SessionAttemptFailed = "connect_session.attempt_failed";
    public const string SessionExpired = "connect_session.expired";
    public const string SessionCancelled = "connect_session.cancelled";
    public const string ConnectionCreated = "connection.created";
    public const string ConnectionUpdated = "connection.updated";
    public const string ConnectionErrored = "connection.errored";
    public const string ConnectionRevokedExternally = "connection.revoked_externally";
    public const string ConnectionRevoked = "connection.revoked";
    public const string ConnectionNangoDeleted = "connection.nango_deleted";
    public const string EndUserOffboarded = "end_user.offboarded";
    public const string AgentCreated = "agent.created";
    public const string AgentUpdated = "agent.updated";
    public const string AgentDisabled = "agent.disabled";
    public const string AgentKeyCreated = "agent_key.created";
    public const string AgentKeyRevoked = "agent_key.revoked";
    public const string AgentTokenCreated = "agent_token.created";
    public const string AgentTokenRevoked = "agent_token.revoked";

    // Console grids and demo data (issue 12, seed-demo).
    /// <summary>One summary event per <c>seed-demo</c> run (never one per demo row).</summary>
    public const string DemoSeeded = "demo.seeded";

    /// <summary>A Viewer's attempt to change something, refused.</summary>
    public const string OperatorDenied = "operator.denied";

    // Console: operators admin (issue 12 §7). Target: the operator's email; actor: the acting operator (or the CLI/setup).
    public const string OperatorCreated = "operator.created";
    public const string OperatorRoleChanged = "operator.role_changed";
    public const string OperatorDisabled = "operator.disabled";
    public const string OperatorEnabled = "operator.enabled";
    public const string OperatorPasswordReset = "operator.password_reset";
    public const string OperatorPasswordChanged = "operator.password_changed";
    public const string OperatorSignedIn = "operator.signed_in";
    // Audit chain and retention (console: audit).
    /// <summary>Retention deleted the oldest events and re-anchored the chain.</summary>
    public const string AuditPruned = "audit.pruned";
}
