namespace CybrLink.Core.Agents;

public enum AgentStatus
{
    Active,
    Disabled,
}

/// <summary>A named non-human client. It acts through its keys and end-user-bound tokens; its policy says what it may do.</summary>
public sealed class Agent
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public AgentStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }

    public bool IsActive => Status == AgentStatus.Active;

    /// <summary>True when this changed the status. Its credentials are revoked by the caller, in the same unit of work.</summary>
    public bool Disable(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return false;
        }

        Status = AgentStatus.Disabled;
        DisabledAt = now;
        UpdatedAt = now;
        return true;
    }

    /// <summary>True when this changed the status. Credentials revoked while disabled stay revoked.</summary>
    public bool Activate(DateTimeOffset now)
    {
        if (IsActive)
        {
            return false;
        }

        Status = AgentStatus.Active;
        DisabledAt = null;
        UpdatedAt = now;
        return true;
    }
}

/// <summary>A long-lived agent credential (<c>cbl_agent_…</c>); several per agent for rotation. Only its hash is stored.</summary>
public sealed class AgentKey
{
    public const string TokenPrefix = "cbl_agent_";

    /// <summary>Characters kept in clear to tell keys apart (prefix + 8 of the secret).</summary>
    public const int DisplayPrefixLength = 18;

    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public string? Name { get; set; }
    public required string DisplayPrefix { get; set; }
    public required string SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>
/// A short-lived credential (<c>cbl_at_…</c>) minted by the operator's backend: it acts as its agent, but only for one
/// end user and optionally only some integrations. Only its hash is stored.
/// </summary>
public sealed class AgentToken
{
    public const string TokenPrefix = "cbl_at_";

    /// <summary>Characters kept in clear (prefix + 8 of the secret).</summary>
    public const int DisplayPrefixLength = 15;

    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public required string EndUserId { get; set; }

    /// <summary>Integration keys the token is limited to (JSON array), or null for every integration the policy allows.</summary>
    public string? IntegrationsJson { get; set; }
    public required string DisplayPrefix { get; set; }
    public required string SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
