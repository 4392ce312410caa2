using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Agents;
using CybrLink.Core.Data;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Agents;

public class AgentAuthenticationTests : SandboxedApp
{
    private const string MePath = "/api/v1/agent/me";

    private async Task<string> CreateAgentAsync(string name = "support-bot")
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/agents", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<(string Id, string Secret)> CreateKeyAsync(string agentId, DateTimeOffset? expiresAt = null)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/keys", new { expires_at = expiresAt });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    private async Task<(string Id, string Secret)> CreateTokenAsync(string agentId, string endUserId = "u-42", int ttl = 600, string[]? integrations = null)
    {
        using var response = await Api.PostAsJsonAsync($"/api/v1/agents/{agentId}/tokens", new { end_user_id = endUserId, ttl_seconds = ttl, integrations });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("token").GetString()!);
    }

    private async Task<HttpResponseMessage> GetMeAsync(string? authorization)
    {
        using var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, MePath);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Every refusal is the same answer: 401, the same code and text, a Bearer challenge.</summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string because)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{because}: got {(int)response.StatusCode}");
        var problem = await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_agent_credential");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(
            "Send an active agent key or agent token as 'Authorization: Bearer cbl_agent_...' or 'Bearer cbl_at_...'.",
            problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_valid_key_authenticates_as_its_agent_with_no_end_user_binding()
    {
        var agentId = await CreateAgentAsync();
        var (keyId, key) = await CreateKeyAsync(agentId);

        using var response = await GetMeAsync($"Bearer {key}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(agentId, me.GetProperty("agent_id").GetString());
        Assert.Equal("support-bot", me.GetProperty("agent_name").GetString());
        Assert.Equal("key", me.GetProperty("credential").GetProperty("kind").GetString());
        Assert.Equal(key[..AgentKey.DisplayPrefixLength], me.GetProperty("credential").GetProperty("prefix").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("end_user_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, me.GetProperty("integrations").ValueKind);
        Assert.DoesNotContain(key, App.Logs.All);
        Assert.NotEmpty(keyId);
    }

    [Fact]
    public async Task A_valid_token_authenticates_bound_to_its_end_user_and_integrations()
    {
        var agentId = await CreateAgentAsync();
        var (_, token) = await CreateTokenAsync(agentId, "u-42", integrations: ["sandbox-mail"]);

        using var response = await GetMeAsync($"Bearer {token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(agentId, me.GetProperty("agent_id").GetString());
        Assert.Equal("token", me.GetProperty("credential").GetProperty("kind").GetString());
        Assert.Equal(token[..AgentToken.DisplayPrefixLength], me.GetProperty("credential").GetProperty("prefix").GetString());
        Assert.Equal("u-42", me.GetProperty("end_user_id").GetString());
        Assert.Equal(["sandbox-mail"], me.GetProperty("integrations").EnumerateArray().Select(i => i.GetString()));
        Assert.DoesNotContain(token, App.Logs.All);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer cbl_agent_")]
    [InlineData("Bearer cbl_agent_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer cbl_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer cbl_agent_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]
    public async Task Missing_malformed_and_unknown_credentials_get_the_one_401(string? authorization)
    {
        using var response = await GetMeAsync(authorization);

        await AssertRefusedAsync(response, authorization ?? "no header");
    }

    [Fact]
    public async Task Every_credential_that_is_not_valid_now_gets_the_one_401_and_valid_ones_pass()
    {
        var agentId = await CreateAgentAsync();
        var disabledAgentId = await CreateAgentAsync("retired-bot");
        var now = Clock.GetUtcNow();
        var (_, valid) = await CreateKeyAsync(agentId);
        var (_, validToken) = await CreateTokenAsync(agentId, ttl: 3600);
        var (revokedId, revoked) = await CreateKeyAsync(agentId);
        var (_, expiring) = await CreateKeyAsync(agentId, now.AddMinutes(10));
        var (_, shortToken) = await CreateTokenAsync(agentId, ttl: 60);
        var (revokedTokenId, revokedToken) = await CreateTokenAsync(agentId);
        var (_, disabledKey) = await CreateKeyAsync(disabledAgentId);
        var (_, disabledToken) = await CreateTokenAsync(disabledAgentId);
        var serverKey = await App.CreateServerKeyAsync("backend 2");
        using (await Api.DeleteAsync($"/api/v1/agents/{agentId}/keys/{revokedId}"))
        using (await Api.DeleteAsync($"/api/v1/agent-tokens/{revokedTokenId}"))
        using (await Api.DeleteAsync($"/api/v1/agents/{disabledAgentId}"))
        {
        }

        Clock.Advance(TimeSpan.FromMinutes(10));

        var refused = new Dictionary<string, string>
        {
            ["revoked key"] = revoked,
            ["expired key"] = expiring,
            ["expired token"] = shortToken,
            ["revoked token"] = revokedToken,
            ["key of a disabled agent"] = disabledKey,
            ["token of a disabled agent"] = disabledToken,
            ["server key"] = serverKey,
            ["key under the token prefix"] = AgentToken.TokenPrefix + valid[AgentKey.TokenPrefix.Length..],
            ["token under the key prefix"] = AgentKey.TokenPrefix + validToken[AgentToken.TokenPrefix.Length..],
            ["key with one character changed"] = valid[..^1] + (valid[^1] == 'A' ? 'B' : 'A'),
        };
        foreach (var (because, credential) in refused)
        {
            using var response = await GetMeAsync($"Bearer {credential}");
            await AssertRefusedAsync(response, because);
        }

        using var key = await GetMeAsync($"Bearer {valid}");
        using var token = await GetMeAsync($"Bearer {validToken}");
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task Revoking_and_disabling_take_effect_on_the_very_next_request()
    {
        var agentId = await CreateAgentAsync();
        var (keyId, key) = await CreateKeyAsync(agentId);
        var (_, otherKey) = await CreateKeyAsync(agentId);
        var (tokenId, token) = await CreateTokenAsync(agentId);
        foreach (var credential in new[] { key, otherKey, token })
        {
            using var before = await GetMeAsync($"Bearer {credential}");
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (await Api.DeleteAsync($"/api/v1/agents/{agentId}/keys/{keyId}"))
        using (await Api.DeleteAsync($"/api/v1/agent-tokens/{tokenId}"))
        {
        }

        using (var afterKey = await GetMeAsync($"Bearer {key}"))
        using (var afterToken = await GetMeAsync($"Bearer {token}"))
        using (var stillValid = await GetMeAsync($"Bearer {otherKey}"))
        {
            await AssertRefusedAsync(afterKey, "revoked key");
            await AssertRefusedAsync(afterToken, "revoked token");
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        }

        using (await Api.DeleteAsync($"/api/v1/agents/{agentId}"))
        {
        }

        using var afterDisable = await GetMeAsync($"Bearer {otherKey}");
        await AssertRefusedAsync(afterDisable, "key of a just disabled agent");

        using (await Api.PatchAsJsonAsync($"/api/v1/agents/{agentId}", new { status = "active" }))
        {
        }

        using var afterReactivation = await GetMeAsync($"Bearer {otherKey}");
        await AssertRefusedAsync(afterReactivation, "key revoked by the disable, agent active again");
    }

    [Fact]
    public async Task A_disabled_agent_is_refused_even_with_a_credential_that_was_never_revoked()
    {
        var agentId = await CreateAgentAsync();
        var (_, key) = await CreateKeyAsync(agentId);
        var (_, token) = await CreateTokenAsync(agentId);
        // The agent's status alone, as if its credentials' revocation had never happened.
        await using (var db = await App.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync())
        {
            await db.Agents.Where(a => a.Id == Guid.Parse(agentId)).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AgentStatus.Disabled));
        }

        using var byKey = await GetMeAsync($"Bearer {key}");
        using var byToken = await GetMeAsync($"Bearer {token}");

        await AssertRefusedAsync(byKey, "unrevoked key of a disabled agent");
        await AssertRefusedAsync(byToken, "unrevoked token of a disabled agent");
    }

    [Fact]
    public async Task A_key_expires_at_its_expiry_instant()
    {
        var agentId = await CreateAgentAsync();
        var (_, key) = await CreateKeyAsync(agentId, Clock.GetUtcNow().AddHours(1));

        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        using var before = await GetMeAsync($"Bearer {key}");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        using var at = await GetMeAsync($"Bearer {key}");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await AssertRefusedAsync(at, "key at its expiry");
    }

    [Fact]
    public async Task An_agent_credential_is_not_a_server_key()
    {
        var agentId = await CreateAgentAsync();
        var (_, key) = await CreateKeyAsync(agentId);
        var (_, token) = await CreateTokenAsync(agentId);

        foreach (var credential in new[] { key, token })
        {
            using var client = App.CreateClientWithKey(credential);
            using var response = await client.GetAsync("/api/v1/agents");
            await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        }
    }

    [Fact]
    public async Task Last_used_is_written_at_most_once_a_minute()
    {
        var agentId = await CreateAgentAsync();
        var (_, key) = await CreateKeyAsync(agentId);
        var first = Clock.GetUtcNow();

        async Task<DateTimeOffset?> LastUsedAsync()
        {
            var agent = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agentId}");
            var value = agent.GetProperty("keys")[0].GetProperty("last_used_at");
            return value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();
        }

        Assert.Null(await LastUsedAsync());
        using (await GetMeAsync($"Bearer {key}"))
        {
        }

        Assert.Equal(first, await LastUsedAsync());
        Clock.Advance(TimeSpan.FromSeconds(59));
        using (await GetMeAsync($"Bearer {key}"))
        {
        }

        Assert.Equal(first, await LastUsedAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        using (await GetMeAsync($"Bearer {key}"))
        {
        }

        Assert.Equal(first.AddMinutes(1), await LastUsedAsync());
    }

    [Fact]
    public async Task The_credential_check_itself_refuses_what_the_endpoint_refuses()
    {
        var credentials = App.Services.GetRequiredService<AgentCredentials>();
        var agentId = await CreateAgentAsync();
        var (_, token) = await CreateTokenAsync(agentId, "u-7", ttl: 120);

        var caller = await credentials.AuthenticateAsync(token, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(120));
        var expired = await credentials.AuthenticateAsync(token, CancellationToken.None);

        Assert.NotNull(caller);
        Assert.Equal(AgentCredentialKind.Token, caller.Kind);
        Assert.True(caller.MayActFor("u-7", "sandbox-mail"));
        Assert.False(caller.MayActFor("u-8", "sandbox-mail"));
        Assert.Null(expired);
        Assert.Null(await credentials.AuthenticateAsync("", CancellationToken.None));
    }
}
