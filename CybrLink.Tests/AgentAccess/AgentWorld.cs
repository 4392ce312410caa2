using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.AgentAccess;

/// <summary>
/// CybrLink on a real port with a sandbox Nango, plus the helpers agent tests share: agents, keys, tokens and
/// policies made through the server API, and connections that exist both in Nango and in CybrLink.
/// </summary>
public class AgentWorld : SandboxedApp
{
    // A real Kestrel server: the proxy tests send raw paths (`..`, `%2F`) that only a socket carries unchanged.
    protected override bool DeliverWebhooks => true;

    public async Task<Guid> CreateAgentAsync(string name)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/agents", new { name });
        var json = await ReadOkAsync(response);
        return json.GetProperty("id").GetGuid();
    }

    public async Task<(Guid Id, string Key)> CreateKeyAsync(Guid agentId)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/keys", new { });
        var json = await ReadOkAsync(response);
        return (json.GetProperty("id").GetGuid(), json.GetProperty("key").GetString()!);
    }

    public async Task<string> MintTokenAsync(Guid agentId, string endUserId, int ttlSeconds = 3600) =>
        (await MintTokenWithIdAsync(agentId, endUserId, ttlSeconds)).Token;

    /// <summary>A token for one end user (and, when given, only those integrations), with its id for revoking it.</summary>
    public async Task<(Guid Id, string Token)> MintTokenWithIdAsync(
        Guid agentId, string endUserId, int ttlSeconds = 3600, string[]? integrations = null)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/tokens",
            new { end_user_id = endUserId, ttl_seconds = ttlSeconds, integrations });
        var json = await ReadOkAsync(response);
        return (json.GetProperty("id").GetGuid(), json.GetProperty("token").GetString()!);
    }

    public async Task SetPolicyAsync(Guid agentId, object rules)
    {
        using var response = await Api.PutAsJsonAsync($"/api/v1/agents/{agentId}/policy", new { rules });
        await ReadOkAsync(response);
    }

    public async Task RefreshCatalogAsync()
    {
        using var response = await Api.PostAsync("/api/v1/integrations/refresh", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A connection in Nango (an OAuth import carrying canary tokens) and CybrLink's record of it.</summary>
    /// <param name="inNango">False: CybrLink's record only (enough for listings; a call through it finds no Nango connection).</param>
    public async Task<Guid> AddConnectionAsync(
        string endUserId, string integration = "sandbox-mail", ConnectionStatus status = ConnectionStatus.Active, string? organization = null,
        bool inNango = true)
    {
        var nangoId = $"conn-{Guid.NewGuid():N}";
        if (inNango)
        {
            // Untagged: CybrLink learns of it from this test, not from the webhook Nango sends for a tagged import.
            await ImportOAuthIntoNangoAsync(integration, nangoId, new Dictionary<string, string>());
        }

        var now = Clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var factory = App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        if (!await db.EndUsers.AnyAsync(u => u.Id == endUserId))
        {
            db.EndUsers.Add(new EndUser { Id = endUserId, OrganizationId = organization, CreatedAt = now, UpdatedAt = now });
        }

        db.Connections.Add(new Connection
        {
            Id = id, NangoConnectionId = nangoId, IntegrationKey = integration, EndUserId = endUserId, OrganizationId = organization,
            Status = status, CreatedAt = now, UpdatedAt = now, RevokedAt = status == ConnectionStatus.Revoked ? now : null,
            ErrorDetail = status == ConnectionStatus.Error ? "refresh failed" : null,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public HttpClient AgentClient(string credential)
    {
        var client = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    public async Task<int> CountAgentCallsAsync(Func<IQueryable<Core.AgentCalls.AgentCall>, IQueryable<Core.AgentCalls.AgentCall>>? filter = null)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await (filter?.Invoke(db.AgentCalls) ?? db.AgentCalls).CountAsync();
    }

    /// <summary>The connection's id in Nango.</summary>
    public async Task<string> NangoIdOfAsync(Guid connectionId)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Connections.Where(c => c.Id == connectionId).Select(c => c.NangoConnectionId).SingleAsync();
    }

    /// <summary>
    /// The audit row of the call with this request id once its bytes out are written. They follow the answer through the
    /// writer's queue: each probe row committed after them is the signal that the queue has moved past them.
    /// </summary>
    public async Task<Core.AgentCalls.AgentCall> AgentCallWithBytesOutAsync(string requestId)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>();
        var writer = App.Services.GetRequiredService<Core.AgentCalls.AgentCallWriter>();
        for (var probe = 0; ; probe++)
        {
            await using var db = await factory.CreateDbContextAsync();
            var row = await db.AgentCalls.AsNoTracking().SingleAsync(c => c.RequestId == requestId);
            if (row.BytesOut is not null || probe == 20)
            {
                return row;
            }

            await writer.RecordAsync(new Core.AgentCalls.AgentCall
            {
                At = Clock.GetUtcNow(), AgentId = ProbeAgentId, CredentialKind = "key", CredentialPrefix = "probe",
                Decision = "refused", RequestId = $"probe-{probe}-{Guid.NewGuid():N}",
            });
        }
    }

    /// <summary>The agent id of the probe rows <see cref="AgentCallWithBytesOutAsync"/> writes (no such agent exists).</summary>
    public static readonly Guid ProbeAgentId = Guid.Parse("00000000-0000-7000-8000-00000000b0b0");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
