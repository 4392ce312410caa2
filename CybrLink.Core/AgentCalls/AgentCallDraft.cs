using CybrLink.Core.Agents;

namespace CybrLink.Core.AgentCalls;

/// <summary>
/// The audit row of one agent request while it is being served: each step fills in what it learned (end user,
/// connection, the deciding rule, the refusal). Recorded once, before the first byte of the answer goes out.
/// </summary>
public sealed class AgentCallDraft(AgentCaller caller, string requestId, DateTimeOffset startedAt)
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string Refused = "refused";

    public Guid Id { get; } = Guid.CreateVersion7(startedAt);
    public AgentCaller Caller { get; } = caller;
    public string RequestId { get; } = requestId;
    public DateTimeOffset StartedAt { get; } = startedAt;

    public string? EndUserId { get; set; }
    public Guid? ConnectionId { get; set; }
    public string? Integration { get; set; }
    public string? Action { get; set; }
    public string? Method { get; set; }
    public string? Path { get; set; }
    public string? Decision { get; set; }
    public string? RuleId { get; set; }
    public string? Reason { get; set; }
    public int? UpstreamStatus { get; set; }

    /// <summary><see cref="AgentCall.ApiSurface"/> or <see cref="AgentCall.McpSurface"/>.</summary>
    public string Surface { get; set; } = AgentCall.ApiSurface;
    public string? Tool { get; set; }

    /// <summary>The row as it stands now; a missing decision is derived from the answer's status.</summary>
    public AgentCall ToRow(int status, DateTimeOffset now, long bytesIn) => new()
    {
        Id = Id,
        At = StartedAt,
        AgentId = Caller.AgentId,
        CredentialKind = Caller.Kind == AgentCredentialKind.Key ? "key" : "token",
        CredentialPrefix = Caller.CredentialPrefix,
        EndUserId = EndUserId,
        ConnectionId = ConnectionId,
        Integration = Integration,
        Action = Action,
        Method = Method,
        Path = Truncate(Path, AgentCall.MaxPathLength),
        Decision = Decision ?? (status < 400 ? Allowed : Refused),
        RuleId = RuleId,
        Reason = Truncate(Reason, 64),
        Status = status,
        UpstreamStatus = UpstreamStatus,
        LatencyMs = (int)Math.Clamp((now - StartedAt).TotalMilliseconds, 0, int.MaxValue),
        BytesIn = bytesIn,
        RequestId = RequestId,
        Surface = Surface,
        Tool = Truncate(Tool, AgentCall.MaxToolLength),
    };

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
