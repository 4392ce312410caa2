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

    public async Task<string> MintTokenAsync(Guid agentId, string endUserId, int ttlSeconds = 3600)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/tokens", new { end_user_id = endUserId, ttl_seconds = ttlSeconds });
        return (await ReadOkAsync(response)).GetProperty("token").GetString()!;
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
    public async Task<Guid> AddConnectionAsync(
        string endUserId, string integration = "sandbox-mail", ConnectionStatus status = ConnectionStatus.Active, string? organization = null)
    {
        var nangoId = $"conn-{Guid.NewGuid():N}";
        // Untagged: CybrLink learns of it from this test, not from the webhook Nango sends for a tagged import.
        await ImportOAuthIntoNangoAsync(integration, nangoId, new Dictionary<string, string>());
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

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
