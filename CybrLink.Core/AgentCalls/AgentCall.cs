using CybrLink.Core.Catalog;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CybrLink.Core.AgentCalls;

/// <summary>
/// One authenticated agent request, allowed or refused. Never a body, a header value or a query value: the path is
/// the normalised path without its query string.
/// </summary>
public sealed class AgentCall
{
    public const int MaxPathLength = 2048;
    public const int MaxToolLength = 64;
    public const string ApiSurface = "api";
    public const string McpSurface = "mcp";

    /// <summary>Version-7 GUID: ordered by time, so it doubles as the list's cursor.</summary>
    public Guid Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid AgentId { get; set; }

    /// <summary><c>key</c> or <c>token</c>.</summary>
    public required string CredentialKind { get; set; }
    public required string CredentialPrefix { get; set; }
    public string? EndUserId { get; set; }
    public Guid? ConnectionId { get; set; }
    public string? Integration { get; set; }

    /// <summary>The action key for a typed action; null for a proxy call.</summary>
    public string? Action { get; set; }
    public string? Method { get; set; }
    public string? Path { get; set; }

    /// <summary><c>allowed</c>, <c>denied</c> (by policy) or <c>refused</c> (by a guard or a state check).</summary>
    public required string Decision { get; set; }
    public string? RuleId { get; set; }

    /// <summary>The stable error code when refused (e.g. <c>invalid_path</c>, <c>forbidden_header</c>, <c>connection_revoked</c>).</summary>
    public string? Reason { get; set; }

    /// <summary>The status CybrLink answered the agent with.</summary>
    public int Status { get; set; }
    public int? UpstreamStatus { get; set; }
    public int LatencyMs { get; set; }
    public long BytesIn { get; set; }
    public long? BytesOut { get; set; }
    public required string RequestId { get; set; }

    /// <summary>Where the call came in: <c>api</c> (the agent API) or <c>mcp</c> (a tools/call).</summary>
    public string Surface { get; set; } = ApiSurface;

    /// <summary>The MCP tool name for an <c>mcp</c> call; null for the agent API.</summary>
    public string? Tool { get; set; }
}

internal sealed class AgentCallConfiguration : IEntityTypeConfiguration<AgentCall>
{
    public void Configure(EntityTypeBuilder<AgentCall> e)
    {
        e.ToTable("agent_calls");
        e.HasKey(c => c.Id);
        e.Property(c => c.CredentialKind).HasMaxLength(8);
        e.Property(c => c.CredentialPrefix).HasMaxLength(32);
        e.Property(c => c.EndUserId).HasMaxLength(EndUser.MaxIdLength);
        e.Property(c => c.Integration).HasMaxLength(CatalogIntegration.MaxKeyLength);
        e.Property(c => c.Action).HasMaxLength(100);
        e.Property(c => c.Method).HasMaxLength(16);
        e.Property(c => c.Path).HasMaxLength(AgentCall.MaxPathLength);
        e.Property(c => c.Decision).HasMaxLength(16);
        e.Property(c => c.RuleId).HasMaxLength(100);
        e.Property(c => c.Reason).HasMaxLength(64);
        e.Property(c => c.RequestId).HasMaxLength(64);
        e.Property(c => c.Surface).HasMaxLength(8).HasDefaultValue(AgentCall.ApiSurface);
        e.Property(c => c.Tool).HasMaxLength(AgentCall.MaxToolLength);
        // Note: no foreign keys: the audit outlives what it names, and a row must never fail to be written.
        e.HasIndex(c => new { c.AgentId, c.Id });
        e.HasIndex(c => new { c.EndUserId, c.Id });
        e.HasIndex(c => new { c.ConnectionId, c.Id });
        // The console's log pages newest first by time, under each of its filters; (At, Decision) also lets the
        // overview count calls per day and decision from the index alone, and (AgentId, At) / (Integration, At) its
        // top agents and integrations.
        e.HasIndex(c => new { c.At, c.Decision });
        e.HasIndex(c => new { c.AgentId, c.At });
        e.HasIndex(c => new { c.EndUserId, c.At });
        e.HasIndex(c => new { c.Integration, c.At });
        e.HasIndex(c => new { c.Decision, c.At });
    }
}
