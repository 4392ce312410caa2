using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Actions;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.AgentAccess;

/// <summary>What a typed action answered: the selected data on success, or the provider's error answer to pass on.</summary>
public sealed record AgentActionOutcome(JsonElement? Data, int UpstreamStatus, HttpResponseMessage? ProviderError);

/// <summary>
/// Runs a typed action: finds it in the manifests of the integration's provider, checks the input against its
/// schema, asks the gate, sends the request it builds through Nango, and selects the useful part of the answer.
/// </summary>
public sealed class AgentActions(
    IDbContextFactory<CybrLinkDbContext> dbFactory,
    ActionCatalog catalog,
    AgentAccessGate gate,
    AgentUpstream upstream,
    IOptionsMonitor<AgentOptions> options)
{
    public async Task<AgentActionOutcome> RunAsync(
        string integration, string actionKey, AgentTarget target, JsonElement input, AgentCallDraft call, CancellationToken ct)
    {
        call.Integration = integration;
        call.Action = actionKey;
        var action = await FindAsync(integration, actionKey, ct);
        call.Method = action.Method;

        var errors = action.ValidateInput(input);
        if (errors.Count > 0)
        {
            call.Reason = "invalid_input";
            throw new AgentAccessException(AgentRefusal.InvalidInput, "The input does not match the action's input_schema.")
            {
                InputErrors = [.. errors.Select(e => new AgentInputError(e.Pointer, e.Message))],
            };
        }

        var grant = await gate.AuthorizeAsync(target with { Integration = integration }, new AgentOperation(actionKey, Input: input), call, ct);
        var request = action.BuildRequest(input);
        call.Path = request.Path;
        var response = await upstream.SendAsync(grant, new NangoProxyRequest
        {
            Method = new HttpMethod(request.Method),
            Path = request.Path,
            Query = request.Query,
            ConnectionId = grant.Connection.NangoConnectionId,
            ProviderConfigKey = grant.Integration.Key,
            ProviderHeaders = request.Headers,
            Content = request.JsonBody is null
                ? null
                : new StringContent(request.JsonBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        }, call, ct);

        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            return new AgentActionOutcome(null, status, response);
        }

        using (response)
        {
            return new AgentActionOutcome(await ReadDataAsync(action, response, call, ct), status, null);
        }
    }

    /// <summary>The actions of an integration's provider; empty when the integration is unknown or has none.</summary>
    public async Task<(string Provider, IReadOnlyList<ActionDefinition> Actions)?> ForIntegrationAsync(string integration, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var provider = await db.Integrations.Where(i => i.Key == integration && i.InNango).Select(i => i.Provider).SingleOrDefaultAsync(ct);
        return provider is null ? null : (provider, catalog.ForProvider(provider));
    }

    private async Task<ActionDefinition> FindAsync(string integration, string actionKey, CancellationToken ct)
    {
        var found = await ForIntegrationAsync(integration, ct)
            ?? throw new AgentAccessException(AgentRefusal.IntegrationNotFound, "No such integration.");
        return found.Actions.FirstOrDefault(a => a.Key == actionKey)
            ?? throw new AgentAccessException(AgentRefusal.ActionNotFound, $"The integration has no action '{actionKey}'.");
    }

    private async Task<JsonElement?> ReadDataAsync(ActionDefinition action, HttpResponseMessage response, AgentCallDraft call, CancellationToken ct)
    {
        var max = options.CurrentValue.MaxActionResultBytes;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > max)
            {
                call.Reason = "result_too_large";
                throw new AgentAccessException(AgentRefusal.ResultTooLarge,
                    $"The provider's answer is larger than {max} bytes; use the proxy endpoint, which streams.");
            }

            buffer.Write(chunk, 0, n);
        }

        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return action.SelectResult(doc.RootElement).Clone();
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the data.
            return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
