using System.Diagnostics;
using Bogus;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Catalog;
using CybrLink.Core.Connections;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Demo;

/// <summary>How much demo data to make; <see cref="Sessions"/> defaults to a tenth of the connections.</summary>
public sealed record DemoSeedRequest(int EndUsers, int Connections, int Calls, int? Sessions = null);

public sealed record DemoSeedSummary(
    int Integrations, bool IntegrationsCreated, int Agents, int EndUsers, int Connections, int Sessions, int Calls, TimeSpan Elapsed);

/// <summary>Demo data cannot be added (already there, or a count that makes no sense); the message says what to do.</summary>
public sealed class DemoSeedException(string message) : Exception(message);

/// <summary>
/// Fills the database with plausible demo data (Bogus, fixed seed: every run makes the same rows): end users in
/// organizations, connections marked <see cref="Connection.IsDemo"/> over the catalog's integrations, connect sessions,
/// and agent calls from a few demo agents. Nothing is sent to Nango; one summary audit event, never one per row.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<CybrLinkDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const int RandomSeed = 20260314;
    public const string EndUserIdPrefix = "demo-u-";
    public const string IntegrationKeyPrefix = "demo-";

    private static readonly (string Key, string Name, string Category, string[] Actions, string[] Paths)[] DemoIntegrations =
    [
        ("demo-mail", "Demo Mail", "Email", ["list_messages", "send_message", "get_message"], ["/messages", "/messages/{id}", "/labels"]),
        ("demo-crm", "Demo CRM", "CRM", ["list_contacts", "create_contact", "update_deal"], ["/contacts", "/contacts/{id}", "/deals/{id}"]),
        ("demo-calendar", "Demo Calendar", "Calendar", ["list_events", "create_event"], ["/calendars/primary/events", "/events/{id}"]),
        ("demo-helpdesk", "Demo Helpdesk", "Support", ["list_tickets", "reply_ticket", "close_ticket"], ["/tickets", "/tickets/{id}/comments"]),
        ("demo-chat", "Demo Chat", "Messaging", ["post_message", "list_channels"], ["/chat.postMessage", "/conversations.list"]),
        ("demo-docs", "Demo Docs", "Knowledge", ["search_pages", "get_page"], ["/search", "/pages/{id}"]),
    ];

    private static readonly string[] AgentNames = ["Support assistant (demo)", "Sales copilot (demo)", "Scheduling agent (demo)", "Ops runbook bot (demo)"];

    private static readonly string[] ConnectionErrors =
    [
        "Nango reports an authorization error (refresh failing); the end user must reconnect.",
        "Token refresh failed at the provider (invalid_grant); the end user must reconnect.",
    ];

    private static readonly string[] AttemptErrors = ["access_denied", "invalid_credentials", "provider_error", "window_closed"];

    public async Task<DemoSeedSummary> SeedAsync(DemoSeedRequest request, Action<string> progress, CancellationToken ct = default)
    {
        Validate(request);
        var clock = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Connections.AnyAsync(c => c.IsDemo, ct) || await db.EndUsers.AnyAsync(u => u.Id == EndUserId(0), ct))
        {
            throw new DemoSeedException("This database already holds demo data; seed-demo adds it once (start from a fresh database to seed again).");
        }

        var (integrations, created) = await IntegrationsAsync(db, now, ct);
        var agents = await AgentsAsync(db, now, ct);
        progress($"seed-demo: {integrations.Count} integrations{(created ? " (demo ones: the catalog was empty)" : "")}, {agents.Count} agents");

        await db.Database.OpenConnectionAsync(ct);
        if (db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            // Note: this connection only, for the bulk load: a large page cache for the index inserts, and no fsync per
            // transaction. A crash mid-seed can lose demo rows, never real ones (nothing else writes on this connection).
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144; PRAGMA synchronous = OFF;", ct);
        }

        var data = new DemoData(request, integrations, agents, now);
        var users = await new DemoBulkWriter<EndUser>(db, progress).WriteAsync(data.EndUsers(), "end users", request.EndUsers, ct);
        var connections = await new DemoBulkWriter<Connection>(db, progress).WriteAsync(data.Connections(), "connections", request.Connections, ct);
        var sessionCount = request.Sessions ?? request.Connections / 10;
        var sessions = await new DemoBulkWriter<ConnectSession>(db, progress).WriteAsync(data.Sessions(sessionCount), "connect sessions", sessionCount, ct);
        var calls = await new DemoBulkWriter<AgentCall>(db, progress).WriteAsync(data.Calls(request.Calls), "agent calls", request.Calls, ct);

        // Fresh statistics after a bulk load, so the planners pick the grid's indexes (both providers know ANALYZE).
        progress("  analyzing ...");
        await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);
        var summary = new DemoSeedSummary(integrations.Count, created, agents.Count, users, connections, sessions, calls, clock.Elapsed);
        audit.Add(db, AuditActions.DemoSeeded, AuditActor.Cli, new AuditTarget("demo_data", "seed-demo"),
            $"end_users={users} connections={connections} sessions={sessions} calls={calls} seed={RandomSeed}");
        await db.SaveChangesAsync(ct);
        return summary;
    }

    internal static string EndUserId(int index) => $"{EndUserIdPrefix}{index + 1:D7}";

    private static void Validate(DemoSeedRequest request)
    {
        if (request.EndUsers < 1 && (request.Connections > 0 || request.Calls > 0 || request.Sessions > 0))
        {
            throw new DemoSeedException("--end-users must be at least 1: connections, sessions and calls belong to end users.");
        }

        if (request.EndUsers < 0 || request.Connections < 0 || request.Calls < 0 || request.Sessions < 0)
        {
            throw new DemoSeedException("Counts cannot be negative.");
        }
    }

    private static async Task<(IReadOnlyList<DemoIntegration> Integrations, bool Created)> IntegrationsAsync(
        CybrLinkDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Integrations.AsNoTracking().OrderBy(i => i.Key).Select(i => i.Key).ToListAsync(ct);
        if (existing.Count > 0)
        {
            return ([.. existing.Select(key => DemoIntegrations.FirstOrDefault(d => d.Key == key) is { Key: not null } d
                ? new DemoIntegration(key, d.Actions, d.Paths)
                : new DemoIntegration(key, ["list_items", "get_item", "create_item"], ["/items", "/items/{id}", "/me"]))], false);
        }

        // Note: InNango = false and disabled, so the Connect UI never offers an integration Nango does not have.
        foreach (var d in DemoIntegrations)
        {
            db.Integrations.Add(new CatalogIntegration
            {
                Key = d.Key, Provider = d.Key, DisplayName = d.Name, AuthMode = "OAUTH2", Category = d.Category,
                Description = "Demo integration made by seed-demo; not in Nango.", Enabled = false, InNango = false, SyncedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);
        return ([.. DemoIntegrations.Select(d => new DemoIntegration(d.Key, d.Actions, d.Paths))], true);
    }

    private static async Task<IReadOnlyList<Guid>> AgentsAsync(CybrLinkDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var ids = new List<Guid>();
        foreach (var name in AgentNames)
        {
            var agent = await db.Agents.SingleOrDefaultAsync(a => a.Name == name, ct);
            if (agent is null)
            {
                agent = new Agent { Id = Guid.CreateVersion7(now), Name = name, Description = "Demo agent made by seed-demo.", CreatedAt = now, UpdatedAt = now };
                db.Agents.Add(agent);
            }

            ids.Add(agent.Id);
        }

        await db.SaveChangesAsync(ct);
        return ids;
    }

    internal sealed record DemoIntegration(string Key, string[] Actions, string[] Paths);

    /// <summary>The rows, generated lazily in order (by creation time), from one seeded random source.</summary>
    private sealed class DemoData(DemoSeedRequest request, IReadOnlyList<DemoIntegration> integrations, IReadOnlyList<Guid> agents, DateTimeOffset now)
    {
        private readonly Random _random = new(RandomSeed);
        private readonly List<(string Id, string? Org)> _users = new(request.EndUsers);
        private readonly List<(Guid Id, int User, int Integration)> _connections = new(request.Connections);

        public IEnumerable<EndUser> EndUsers()
        {
            var faker = new Faker("en") { Random = new Randomizer(RandomSeed) };
            var organizations = Enumerable.Range(0, Math.Max(1, request.EndUsers / 40))
                .Select(i => (Id: $"org-{i + 1:D5}", Name: faker.Company.CompanyName()))
                .Select(o => (o.Id, o.Name, Domain: Slug(o.Name) + ".example"))
                .ToList();
            var start = now.AddDays(-120);
            for (var i = 0; i < request.EndUsers; i++)
            {
                var first = faker.Name.FirstName();
                var last = faker.Name.LastName();
                // One in eight end users belongs to no organization (a personal account).
                var organization = _random.Next(8) == 0 ? ((string Id, string Name, string Domain)?)null : organizations[Pick(organizations.Count)];
                var id = EndUserId(i);
                _users.Add((id, organization?.Id));
                var created = start + ((now - start) * ((double)i / Math.Max(1, request.EndUsers)));
                yield return new EndUser
                {
                    Id = id,
                    DisplayName = $"{first} {last}",
                    Email = $"{Slug(first)}.{Slug(last)}{(_random.Next(4) == 0 ? _random.Next(2, 99).ToString() : "")}@{organization?.Domain ?? "mail.example"}",
                    OrganizationId = organization?.Id,
                    OrganizationName = organization?.Name,
                    CreatedAt = created,
                    UpdatedAt = created,
                };
            }
        }

        public IEnumerable<Connection> Connections()
        {
            var start = now.AddDays(-90);
            for (var i = 0; i < request.Connections; i++)
            {
                var created = start + ((now - start) * ((double)i / Math.Max(1, request.Connections))) + TimeSpan.FromSeconds(_random.Next(60));
                if (created > now)
                {
                    created = now;
                }

                var user = _random.Next(_users.Count);
                var integration = PickWeighted(integrations.Count);
                var id = Guid.CreateVersion7(created);
                _connections.Add((id, user, integration));
                var roll = _random.NextDouble();
                var status = roll < 0.84 ? ConnectionStatus.Active : roll < 0.94 ? ConnectionStatus.Error : ConnectionStatus.Revoked;
                var revokedAt = status == ConnectionStatus.Revoked ? created + ((now - created) * _random.NextDouble()) : (DateTimeOffset?)null;
                DateTimeOffset? lastUsed = status != ConnectionStatus.Revoked && _random.NextDouble() < 0.6
                    ? created + ((now - created) * _random.NextDouble())
                    : null;
                yield return new Connection
                {
                    Id = id,
                    NangoConnectionId = $"demo-{id:N}",
                    IntegrationKey = integrations[integration].Key,
                    EndUserId = _users[user].Id,
                    OrganizationId = _users[user].Org,
                    Status = status,
                    ErrorDetail = status == ConnectionStatus.Error ? ConnectionErrors[_random.Next(ConnectionErrors.Length)] : null,
                    CreatedAt = created,
                    UpdatedAt = revokedAt ?? created,
                    LastUsedAt = lastUsed,
                    RevokedAt = revokedAt,
                    IsDemo = true,
                };
            }
        }

        public IEnumerable<ConnectSession> Sessions(int count)
        {
            var start = now.AddDays(-30);
            for (var i = 0; i < count; i++)
            {
                var roll = _random.NextDouble();
                // Open sessions are recent (their link is still valid); the rest spread over the last 30 days.
                var open = roll >= 0.85;
                var created = open
                    ? now - TimeSpan.FromMinutes(_random.Next(1, 25))
                    : start + ((now - start) * ((double)i / Math.Max(1, count)));
                var user = _random.Next(_users.Count);
                var connection = _connections.Count > 0 && roll < 0.7 ? _connections[_random.Next(_connections.Count)] : ((Guid, int, int)?)null;
                var integration = connection?.Item3 ?? PickWeighted(integrations.Count);
                var status = roll < 0.7 ? ConnectSessionStatus.Completed : open ? ConnectSessionStatus.Opened : ConnectSessionStatus.Expired;
                yield return new ConnectSession
                {
                    Id = Guid.CreateVersion7(created),
                    TokenHash = $"demo-{_random.NextInt64():x16}-{i:x8}",
                    IntegrationKey = integrations[integration].Key,
                    EndUserId = _users[connection?.Item2 ?? user].Id,
                    OrganizationId = _users[connection?.Item2 ?? user].Org,
                    Locale = "en",
                    Status = status,
                    ErrorCode = status == ConnectSessionStatus.Completed || _random.Next(3) == 0 ? null : AttemptErrors[_random.Next(AttemptErrors.Length)],
                    ConnectionId = status == ConnectSessionStatus.Completed ? connection?.Item1 : null,
                    CreatedAt = created,
                    ExpiresAt = created + TimeSpan.FromMinutes(30),
                    OpenedAt = created + TimeSpan.FromSeconds(_random.Next(5, 300)),
                    FinishedAt = status == ConnectSessionStatus.Opened ? null : created + TimeSpan.FromMinutes(_random.Next(1, 30)),
                };
            }
        }

        public IEnumerable<AgentCall> Calls(int count)
        {
            var start = now.AddDays(-30);
            for (var i = 0; i < count; i++)
            {
                var at = start + ((now - start) * ((double)i / Math.Max(1, count)));
                var agent = PickWeighted(agents.Count);
                var (connectionId, user, integration) = _connections.Count > 0
                    ? _connections[_random.Next(_connections.Count)]
                    : (Guid.Empty, _random.Next(_users.Count), PickWeighted(integrations.Count));
                var spec = integrations[integration];
                var isAction = _random.NextDouble() < 0.6;
                var roll = _random.NextDouble();
                var decision = roll < 0.86 ? AgentCallDraft.Allowed : roll < 0.95 ? AgentCallDraft.Denied : AgentCallDraft.Refused;
                var mcp = _random.Next(4) == 0;
                var upstream = decision == AgentCallDraft.Allowed ? UpstreamStatus() : (int?)null;
                var path = spec.Paths[_random.Next(spec.Paths.Length)].Replace("{id}", _random.Next(1000, 99999).ToString());
                yield return new AgentCall
                {
                    Id = Guid.CreateVersion7(at),
                    At = at,
                    AgentId = agents[agent],
                    CredentialKind = "key",
                    CredentialPrefix = $"cbl_agent_demo{agent:D4}",
                    EndUserId = _users[user].Id,
                    ConnectionId = connectionId == Guid.Empty ? null : connectionId,
                    Integration = spec.Key,
                    Action = isAction ? spec.Actions[_random.Next(spec.Actions.Length)] : null,
                    Method = isAction ? null : (_random.Next(3) == 0 ? "POST" : "GET"),
                    Path = isAction ? null : path,
                    Decision = decision,
                    RuleId = decision == AgentCallDraft.Allowed || _random.Next(2) == 0 ? $"demo-rule-{agent + 1}" : null,
                    Reason = decision switch
                    {
                        AgentCallDraft.Denied => _random.Next(2) == 0 ? "policy" : "no_matching_rule",
                        AgentCallDraft.Refused => _random.Next(2) == 0 ? "rate_limited" : "connection_error",
                        _ => null,
                    },
                    Status = decision switch
                    {
                        AgentCallDraft.Denied => 403,
                        AgentCallDraft.Refused => 409 + (_random.Next(2) * 20),
                        _ => upstream!.Value,
                    },
                    UpstreamStatus = upstream,
                    LatencyMs = decision == AgentCallDraft.Allowed ? 60 + (int)(-Math.Log(1 - _random.NextDouble()) * 180) : _random.Next(2, 12),
                    BytesIn = isAction || _random.Next(3) > 0 ? _random.Next(0, 2048) : 0,
                    BytesOut = decision == AgentCallDraft.Allowed ? _random.Next(200, 64_000) : null,
                    RequestId = $"demo-{_random.NextInt64():x16}",
                    Surface = mcp ? AgentCall.McpSurface : AgentCall.ApiSurface,
                    Tool = mcp ? (isAction ? "call_action" : "http_request") : null,
                };
            }
        }

        private int UpstreamStatus()
        {
            var roll = _random.NextDouble();
            return roll < 0.9 ? 200 : roll < 0.95 ? 201 : roll < 0.98 ? 404 : 502;
        }

        private int Pick(int count) => _random.Next(count);

        /// <summary>A skewed pick (weight 1/(k+1)): a few integrations and agents carry most of the traffic, as in life.</summary>
        private int PickWeighted(int count)
        {
            var total = 0d;
            for (var k = 0; k < count; k++)
            {
                total += 1d / (k + 1);
            }

            var target = _random.NextDouble() * total;
            for (var k = 0; k < count; k++)
            {
                target -= 1d / (k + 1);
                if (target <= 0)
                {
                    return k;
                }
            }

            return count - 1;
        }

        private static string Slug(string text) =>
            new string([.. text.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')]).Trim('-') is { Length: > 0 } s ? s : "x";
    }
}
