using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary>Integrations (provider configs): list, get, create (200, not 201), update (PATCH), delete.</summary>
internal static partial class IntegrationsEndpoints
{
    private static readonly string[] CredentialTypes = ["OAUTH1", "OAUTH2", "TBA", "APP", "CUSTOM"];

    public static void MapIntegrations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/integrations", ListIntegrations).RequireSecretKeyOrSession();
        var group = app.MapGroup("/integrations").RequireSecretKey();
        group.MapGet("/{uniqueKey}", GetIntegration);
        group.MapPost("", CreateIntegration);
        group.MapPatch("/{uniqueKey}", UpdateIntegration);
        group.MapDelete("/{uniqueKey}", DeleteIntegration);
    }

    private static IResult ListIntegrations(HttpContext context, SandboxStore store)
    {
        if (Strict.OnlyQuery(context.Request) is { } invalid)
            return invalid;
        // Note: a connect session only sees its allowed integrations, as Connect UI does in Nango.
        var caller = Caller.From(context);
        var data = store.Integrations()
            .Where(i => caller.Allows(i.UniqueKey))
            .Select(i => ApiIntegration.From(i, store.FindProvider(i.Provider), context.Request));
        return NangoResults.Json(new { data });
    }

    private static IResult GetIntegration(string uniqueKey, HttpRequest request, SandboxStore store)
    {
        if (Strict.OnlyQuery(request, "include") is { } invalid)
            return invalid;
        var include = request.Query["include"].Select(v => v ?? "").ToList();
        var bad = include.Where(v => v is not ("webhook" or "credentials")).ToList();
        if (bad.Count > 0)
            return NangoResults.InvalidQuery([new ZodIssue("invalid_enum_value",
                $"Invalid enum value. Expected 'webhook' | 'credentials', received '{bad[0]}'", ["include"])]);
        var integration = store.FindIntegration(uniqueKey);
        return integration is null
            ? NangoResults.Error(404, "not_found", "Integration does not exist")
            : NangoResults.Json(new
            {
                data = ApiIntegration.From(integration, store.FindProvider(integration.Provider), request,
                    include.Contains("webhook"), include.Contains("credentials")),
            });
    }

    private static async Task<IResult> CreateIntegration(HttpRequest request, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var (json, error) = await Strict.ReadBodyWithEmptyQueryAsync(request, ct);
        if (error is not null)
            return error;

        var v = new Strict();
        var body = v.Object(json, [], required: true,
            "provider", "unique_key", "display_name", "forward_webhooks", "credentials", "integration_config", "custom");
        var providerName = v.String(body, "provider", [], required: true, min: 1);
        var uniqueKey = v.String(body, "unique_key", [], required: true, min: 1, max: 255, UniqueKeyRegex(), "Invalid unique_key");
        var displayName = v.String(body, "display_name", [], required: false, max: 255);
        var forwardWebhooks = v.Bool(body, "forward_webhooks", []);
        var credentials = ReadCredentials(v, body);
        var integrationConfig = v.AnyObject(body?["integration_config"], ["integration_config"], required: false);
        var custom = v.AnyObject(body?["custom"], ["custom"], required: false);
        var provider = providerName is null ? null : store.FindProvider(providerName);
        if (providerName is not null && provider is null)
            v.Add("custom", "Invalid provider", "provider");
        // Nango refuses settings a provider has no schema for, instead of storing them silently.
        if (provider is not null && integrationConfig is { Count: > 0 } && !provider.TakesIntegrationConfig)
            v.Add("custom", $"Provider {provider.Name} does not accept integration_config", "integration_config");
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);

        if (Incompatible(provider!, credentials) is { } incompatible)
            return incompatible;

        var now = time.GetUtcNow();
        var integration = new Integration
        {
            UniqueKey = uniqueKey!, Provider = provider!.Name, DisplayName = displayName, ForwardWebhooks = forwardWebhooks ?? true,
            Credentials = credentials, IntegrationConfig = integrationConfig, Custom = custom, CreatedAt = now, UpdatedAt = now,
        };
        if (!store.TryAddIntegration(integration))
            return NangoResults.InvalidBody("Unique key already exists", "uniqueKey");
        return NangoResults.Json(new { data = ApiIntegration.From(integration, provider, request) });
    }

    private static async Task<IResult> UpdateIntegration(string uniqueKey, HttpRequest request, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var (json, error) = await Strict.ReadBodyWithEmptyQueryAsync(request, ct);
        if (error is not null)
            return error;

        var v = new Strict();
        var body = v.Object(json, [], required: true,
            "unique_key", "display_name", "forward_webhooks", "credentials", "integration_config", "custom");
        var newKey = v.String(body, "unique_key", [], required: false, min: 1, max: 255, UniqueKeyRegex(), "Invalid unique_key");
        var displayName = v.String(body, "display_name", [], required: false, max: 255);
        var forwardWebhooks = v.Bool(body, "forward_webhooks", []);
        var credentials = ReadCredentials(v, body);
        var integrationConfig = v.AnyObject(body?["integration_config"], ["integration_config"], required: false);
        var custom = v.AnyObject(body?["custom"], ["custom"], required: false);
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);

        var current = store.FindIntegration(uniqueKey);
        if (current is null)
            return NangoResults.Error(404, "not_found", "Integration does not exist");
        if (credentials is not null && Incompatible(store.FindProvider(current.Provider)!, credentials) is { } incompatible)
            return incompatible;

        var outcome = store.TryUpdateIntegration(uniqueKey, i => i with
        {
            UniqueKey = newKey ?? i.UniqueKey,
            DisplayName = displayName ?? i.DisplayName,
            ForwardWebhooks = forwardWebhooks ?? i.ForwardWebhooks,
            Credentials = credentials ?? i.Credentials,
            IntegrationConfig = integrationConfig ?? i.IntegrationConfig,
            Custom = custom ?? i.Custom,
            UpdatedAt = time.GetUtcNow(),
        });
        return outcome switch
        {
            UpdateOutcome.NotFound => NangoResults.Error(404, "not_found", "Integration does not exist"),
            UpdateOutcome.KeyTaken => NangoResults.InvalidBody("uniqueKey is already used by another integration", "unique_key"),
            UpdateOutcome.HasConnections => NangoResults.Error(400, "integration_has_connections",
                "Cannot change unique_key: the integration has connections"),
            _ => NangoResults.Json(new
            {
                data = ApiIntegration.From(store.FindIntegration(newKey ?? uniqueKey)!, store.FindProvider(current.Provider), request),
            }),
        };
    }

    private static IResult DeleteIntegration(string uniqueKey, HttpRequest request, SandboxStore store)
    {
        if (Strict.OnlyQuery(request) is { } invalid)
            return invalid;
        return store.DeleteIntegration(uniqueKey)
            ? NangoResults.Json(new { success = true })
            : NangoResults.Error(404, "not_found", "Integration does not exist");
    }

    /// <summary>The <c>credentials</c> union, discriminated by <c>type</c>; the sandbox stores the OAuth app shape.</summary>
    private static OAuthAppCredentials? ReadCredentials(Strict v, JsonObject? body)
    {
        string[] path = ["credentials"];
        var obj = v.AnyObject(body?["credentials"], path, required: false);
        if (obj is null)
            return null;
        var type = v.String(obj, "type", path, required: true);
        if (type is null)
            return null;
        if (!CredentialTypes.Contains(type))
        {
            v.Add("invalid_union_discriminator", "Invalid discriminator value. Expected 'OAUTH1' | 'OAUTH2' | 'TBA' | 'APP' | 'CUSTOM'", "credentials", "type");
            return null;
        }
        if (type is "APP" or "CUSTOM")
        {
            v.Object(obj, path, required: true, "type", "app_id", "app_link", "private_key", "client_id", "client_secret");
            return new OAuthAppCredentials(type, "", "", null, null);
        }
        v.Object(obj, path, required: true, "type", "client_id", "client_secret", "scopes", "webhook_secret");
        var clientId = v.String(obj, "client_id", path, required: true, min: 1, max: 255);
        var clientSecret = v.String(obj, "client_secret", path, required: true, min: 1);
        var scopes = v.String(obj, "scopes", path, required: false);
        if (scopes is { Length: > 0 } && !ScopesRegex().IsMatch(scopes))
            v.Add("invalid_union", "Invalid input", "credentials", "scopes");
        var webhookSecret = v.String(obj, "webhook_secret", path, required: false);
        return new OAuthAppCredentials(type, clientId ?? "", clientSecret ?? "", scopes, webhookSecret);
    }

    private static IResult? Incompatible(Provider provider, OAuthAppCredentials? credentials)
    {
        if (provider.IsOAuth2 && credentials is null)
            return NangoResults.Error(400, "invalid_body", "Missing credentials");
        if (credentials is not null && credentials.Type != provider.AuthMode)
            return NangoResults.Error(400, "invalid_body", "incompatible credentials auth type and provider auth");
        return null;
    }

    [GeneratedRegex("^[a-zA-Z0-9~:.@ _-]+$")]
    private static partial Regex UniqueKeyRegex();

    [GeneratedRegex("^[0-9a-zA-Z:/_.*-]+(,[0-9a-zA-Z:/_.*-]+)*$")]
    private static partial Regex ScopesRegex();
}
