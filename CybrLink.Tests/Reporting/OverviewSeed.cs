using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;

namespace CybrLink.Tests.Reporting;

/// <summary>
/// A small world whose overview numbers are known, relative to <see cref="Now"/> (2026-03-14 09:30 UTC):
/// connections 3 active / 1 error / 2 revoked (live: Sandbox Mail 3, Sandbox CRM 1); sessions today 2 completed,
/// 1 failed, 2 expired (one only past its expiry), 1 cancelled, two days ago 1 completed, ten days ago 5 completed;
/// calls today 3 allowed + 1 refused by agent A (mail) and 1 denied by agent B (crm), yesterday 2 allowed by B (mail),
/// eight days ago 4 allowed by A.
/// </summary>
public static class OverviewSeed
{
    public static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);
    public static readonly Guid AgentA = Guid.Parse("0195a0c4-0000-7000-8000-0000000000a1");
    public static readonly Guid AgentB = Guid.Parse("0195a0c4-0000-7000-8000-0000000000b2");

    public static async Task AddAsync(CybrLinkDbContext db)
    {
        db.Agents.AddRange(
            new Agent { Id = AgentA, Name = "mail-assistant", Status = AgentStatus.Active, CreatedAt = Now, UpdatedAt = Now },
            new Agent { Id = AgentB, Name = "crm-bot", Status = AgentStatus.Active, CreatedAt = Now, UpdatedAt = Now });

        var n = 0;
        Connection Conn(string integration, ConnectionStatus status) => new()
        {
            Id = Guid.CreateVersion7(), NangoConnectionId = $"nango-{++n}", IntegrationKey = integration, EndUserId = $"u-{n}",
            Status = status, CreatedAt = Now.AddDays(-1), UpdatedAt = Now,
        };
        db.Connections.AddRange(
            Conn("sandbox-mail", ConnectionStatus.Active), Conn("sandbox-mail", ConnectionStatus.Active), Conn("sandbox-crm", ConnectionStatus.Active),
            Conn("sandbox-mail", ConnectionStatus.Error), Conn("sandbox-crm", ConnectionStatus.Revoked), Conn("sandbox-crm", ConnectionStatus.Revoked));

        ConnectSession Session(double daysAgo, ConnectSessionStatus status, string? error = null, double expiresInHours = 1) => new()
        {
            Id = Guid.CreateVersion7(), TokenHash = $"hash-{++n}", IntegrationKey = "sandbox-mail", EndUserId = "u-1", Status = status,
            ErrorCode = error, CreatedAt = Now.AddDays(-daysAgo), ExpiresAt = Now.AddDays(-daysAgo).AddHours(expiresInHours),
        };
        db.ConnectSessions.AddRange(
            Session(0.1, ConnectSessionStatus.Completed), Session(0.2, ConnectSessionStatus.Completed),
            Session(0.1, ConnectSessionStatus.Opened, error: "access_denied"),
            Session(0.3, ConnectSessionStatus.Expired),
            Session(0.3, ConnectSessionStatus.Pending, expiresInHours: 0.5),
            Session(0.1, ConnectSessionStatus.Cancelled),
            Session(2, ConnectSessionStatus.Completed));
        for (var i = 0; i < 5; i++)
        {
            db.ConnectSessions.Add(Session(10, ConnectSessionStatus.Completed));
        }

        AgentCall Call(Guid agent, string integration, string decision, double hoursAgo)
        {
            var at = Now.AddHours(-hoursAgo);
            return new AgentCall
            {
                Id = Guid.CreateVersion7(at), At = at, AgentId = agent, CredentialKind = "key", CredentialPrefix = "cbl_agent_x", EndUserId = "u-1",
                Integration = integration, Method = "GET", Path = "/v1/messages", Decision = decision, Status = decision == "allowed" ? 200 : 403,
                RequestId = $"req-{++n}",
            };
        }

        for (var i = 0; i < 3; i++)
        {
            db.AgentCalls.Add(Call(AgentA, "sandbox-mail", "allowed", 1 + i));
        }

        db.AgentCalls.AddRange(
            Call(AgentA, "sandbox-mail", "refused", 2),
            Call(AgentB, "sandbox-crm", "denied", 3),
            Call(AgentB, "sandbox-mail", "allowed", 24),
            Call(AgentB, "sandbox-mail", "allowed", 25));
        for (var i = 0; i < 4; i++)
        {
            db.AgentCalls.Add(Call(AgentA, "sandbox-mail", "allowed", 24 * 8));
        }

        await db.SaveChangesAsync();
    }
}
