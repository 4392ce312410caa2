using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Nango;
using CybrLink.Core.Policies;
using CybrLink.Web.Console.Connections;
using CybrLink.Web.Console.ConnectSessions;
using CybrLink.Web.Console.EndUsers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Components.Connections;

/// <summary>
/// The console's connection, session and end-user pages over a real migrated SQLite database, with the services
/// they use in the app; Nango is <see cref="DeletingNango"/>.
/// </summary>
public abstract class DetailPagesTest : ConsoleComponentTest
{
    public const string EndUserId = "u-ada";

    protected DetailPagesTest()
    {
        UseDatabase();
        Services.AddSingleton<INangoApi>(Nango);
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddOptions<ConnectOptions>();
        Services.AddSingleton<CatalogMisses>();
        Services.AddScoped<CatalogService>();
        Services.AddScoped<EndUserDirectory>();
        Services.AddScoped<ConnectionRecorder>();
        Services.AddScoped<NangoSessionTokens>();
        Services.AddScoped<ConnectSessionCommandValidator>();
        Services.AddScoped<ConnectSessionCompleter>();
        Services.AddScoped<ConnectSessionService>();
        Services.AddScoped<ConnectionRevoker>();
        Services.AddScoped<EndUserOffboarder>();
        Services.AddSingleton(new PolicyValidator());
        Services.AddSingleton<PolicyStore>();
        Services.AddScoped<ConnectionDetailQuery>();
        Services.AddScoped<ReconnectLinks>();
        Services.AddScoped<ConnectSessionsQuery>();
        Services.AddScoped<EndUserDetailQuery>();
    }

    protected DeletingNango Nango { get; } = new();

    protected DateTimeOffset Now => Clock.GetUtcNow();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await OpenDatabaseAsync();
        db.Integrations.AddRange(
            new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2", InNango = true },
            new CatalogIntegration { Key = "sandbox-crm", Provider = "sandbox-crm", DisplayName = "Sandbox CRM", AuthMode = "API_KEY", InNango = true });
        db.EndUsers.Add(new EndUser
        {
            Id = EndUserId, DisplayName = "Ada Lovelace", Email = "ada@example.com", OrganizationId = "org-1",
            OrganizationName = "Analytical Engines", CreatedAt = Now.AddDays(-3), UpdatedAt = Now.AddDays(-3),
        });
        await db.SaveChangesAsync();
    }

    protected async Task<Guid> AddConnectionAsync(
        string integration = "sandbox-mail", ConnectionStatus status = ConnectionStatus.Active, string endUserId = EndUserId)
    {
        await using var db = await OpenDatabaseAsync();
        var connection = new Connection
        {
            Id = Guid.CreateVersion7(), NangoConnectionId = Guid.NewGuid().ToString(), IntegrationKey = integration, EndUserId = endUserId,
            OrganizationId = "org-1", Status = status, CreatedAt = Now.AddDays(-2), UpdatedAt = Now.AddDays(-2),
            LastCheckedAt = Now.AddHours(-1), LastUsedAt = Now.AddHours(-5),
        };
        db.Connections.Add(connection);
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(), At = connection.CreatedAt, Action = AuditActions.ConnectionCreated, ActorType = "end_user",
            ActorId = endUserId, TargetType = "connection", TargetId = connection.Id.ToString(), Detail = $"integration={integration}",
        });
        await db.SaveChangesAsync();
        return connection.Id;
    }

    /// <summary>A connect session; <paramref name="consented"/> gives it a consent record like the Connect UI writes.</summary>
    protected async Task<Guid> AddSessionAsync(
        Guid? madeConnection = null, Guid? reconnects = null, bool consented = false, string? errorCode = null,
        ConnectSessionStatus status = ConnectSessionStatus.Completed, string integration = "sandbox-mail", DateTimeOffset? createdAt = null)
    {
        await using var db = await OpenDatabaseAsync();
        var created = createdAt ?? Now.AddDays(-2).AddMinutes(-5);
        var session = new ConnectSession
        {
            Id = Guid.CreateVersion7(), TokenHash = Guid.NewGuid().ToString("N"), IntegrationKey = integration, EndUserId = EndUserId,
            EndUserEmail = "ada@example.com", EndUserDisplayName = "Ada Lovelace", Status = status, ConnectionId = madeConnection,
            ReconnectConnectionId = reconnects, ErrorCode = errorCode, CreatedAt = created, ExpiresAt = created.AddMinutes(30),
        };
        if (consented)
        {
            session.RecordConsent(new ConsentShown("Sandbox Mail", "Read your mail and send mail as you",
                "What CybrLink will be able to do\nRead your mail and send mail as you\nYour sign-in and credentials go straight to the secure token service; CybrLink never sees them.",
                "en"), created.AddMinutes(1));
        }

        db.ConnectSessions.Add(session);
        if (madeConnection is { } id)
        {
            await db.Connections.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ConnectSessionId, session.Id));
        }

        await db.SaveChangesAsync();
        return session.Id;
    }

    protected async Task<Guid> AddAgentAsync(string name, string rulesJson, AgentStatus status = AgentStatus.Active)
    {
        var id = Guid.CreateVersion7();
        await using (var db = await OpenDatabaseAsync())
        {
            db.Agents.Add(new Agent { Id = id, Name = name, Status = status, CreatedAt = Now, UpdatedAt = Now });
            await db.SaveChangesAsync();
        }

        using var body = JsonDocument.Parse($$"""{"rules":[{{rulesJson}}]}""");
        await Services.GetRequiredService<PolicyStore>().ReplaceAsync(id, body.RootElement, AuditActor.System);
        return id;
    }

    protected async Task AddCallAsync(Guid agentId, Guid? connectionId, string? action, string decision = "allowed", int status = 200)
    {
        await using var db = await OpenDatabaseAsync();
        db.AgentCalls.Add(new AgentCall
        {
            Id = Guid.CreateVersion7(), At = Now.AddMinutes(-10), AgentId = agentId, CredentialKind = "key", CredentialPrefix = "cbl_agent_x",
            EndUserId = EndUserId, ConnectionId = connectionId, Integration = "sandbox-mail", Action = action,
            Method = action is null ? "GET" : null, Path = action is null ? "/inbox" : null, Decision = decision, Status = status,
            RequestId = Guid.NewGuid().ToString("N"),
        });
        await db.SaveChangesAsync();
    }

    protected async Task<ConnectionStatus> StatusOfAsync(Guid connectionId)
    {
        await using var db = await OpenDatabaseAsync();
        return await db.Connections.Where(c => c.Id == connectionId).Select(c => c.Status).SingleAsync();
    }

    protected async Task<List<AuditEvent>> AuditAsync(string action)
    {
        await using var db = await OpenDatabaseAsync();
        return await db.AuditEvents.Where(a => a.Action == action).ToListAsync();
    }
}
