using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Agents;

/// <summary>The agent operations as <c>/openapi/v1.json</c> describes them: the names a client sends are the ones bound.</summary>
public sealed class AgentsOpenApiTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app = new();
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        using var http = _app.CreateClient();
        _document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private JsonElement Schema(string name) => _document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static List<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!).Order()] : [];

    [Fact]
    public void The_key_revocation_path_names_key_id_as_bound()
    {
        var revoke = _document.GetProperty("paths").GetProperty("/api/v1/agents/{id}/keys/{key_id}").GetProperty("delete");

        Assert.Equal(["id", "key_id"], revoke.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());
        Assert.True(revoke.GetProperty("responses").TryGetProperty("404", out _));
    }

    [Fact]
    public void Request_fields_are_snake_case_and_only_the_needed_ones_required()
    {
        Assert.Equal(["name"], Required(Schema("CreateAgentRequest")));
        Assert.Empty(Required(Schema("UpdateAgentRequest")));
        Assert.Empty(Required(Schema("CreateAgentKeyRequest")));
        Assert.Equal(["end_user_id", "ttl_seconds"], Required(Schema("CreateAgentTokenRequest")));
        Assert.True(Schema("CreateAgentKeyRequest").GetProperty("properties").TryGetProperty("expires_at", out _));
    }

    [Fact]
    public void The_agent_api_is_documented_with_its_bearer_credential_and_401()
    {
        var me = _document.GetProperty("paths").GetProperty("/api/v1/agent/me").GetProperty("get");

        Assert.True(me.TryGetProperty("security", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("401", out _));
    }
}
