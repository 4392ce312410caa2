namespace CybrLink.Core.Agents;

/// <summary>A key as it may be shown: its display prefix, never its hash.</summary>
public sealed record AgentKeyView(
    Guid Id, string? Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public static AgentKeyView Of(AgentKey k) => new(k.Id, k.Name, k.DisplayPrefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}

public sealed record AgentView(
    Guid Id, string Name, string? Description, AgentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? DisabledAt, IReadOnlyList<AgentKeyView> Keys)
{
    public static AgentView Of(Agent a, IEnumerable<AgentKey> keys) => new(
        a.Id, a.Name, a.Description, a.Status, a.CreatedAt, a.UpdatedAt, a.DisabledAt,
        [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id).Select(AgentKeyView.Of)]);
}

/// <summary>A new key. The plain key exists only in this value, returned once: the database keeps its hash.</summary>
public sealed record CreatedAgentKey(AgentKeyView Key, string Secret);

/// <summary>A new token. The plain token exists only in this value, returned once: the database keeps its hash.</summary>
public sealed record CreatedAgentToken(Guid Id, string Token, string Prefix, DateTimeOffset ExpiresAt);
