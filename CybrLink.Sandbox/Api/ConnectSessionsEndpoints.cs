using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary>Connect sessions: create, reconnect (secret key); read and revoke (the session token itself).</summary>
internal static class ConnectSessionsEndpoints
{
    /// <summary>Nango's <c>CONNECT_SESSION_TTL_MS</c>.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(30);

    public static void MapConnectSessions(this IEndpointRouteBuilder app)
    {
        var server = app.MapGroup("/connect/sessions").RequireSecretKey();
        server.MapPost("", CreateSession);
        server.MapPost("/reconnect", CreateReconnectSession);

        var browser = app.MapGroup("/connect/session").RequireSession();
        browser.MapGet("", GetSession);
        browser.MapDelete("", DeleteSession);
    }

    private static async Task<IResult> CreateSession(HttpRequest request, SandboxStore store, TimeProvider time,
        IOptions<SandboxOptions> options, CancellationToken ct)
    {
        var (json, error) = await Strict.ReadBodyWithEmptyQueryAsync(request, ct);
        if (error is not null)
            return error;

        var v = new Strict();
        var body = v.Object(json, [], required: true,
            "end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags");
        var (user, tags) = EndUserReader.Read(v, body);
        if (body is not null && !v.Has(body, "end_user") && !v.Has(body, "tags"))
            v.Add("invalid_type", "Required", "end_user");
        var allowed = v.StringArray(body, "allowed_integrations", []);
        for (var i = 0; allowed is not null && i < allowed.Count; i++)
            if (store.FindIntegration(allowed[i]) is null)
                v.Add("custom", "Integration does not exist", "allowed_integrations", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var defaults = ReadDefaults(v, body, store);
        var webhookUrl = ReadWebhookUrl(v, body);
        var overrides = v.AnyObject(body?["overrides"], ["overrides"], required: false);
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);
        if (overrides is { Count: > 0 })
            return DocsConnectForbidden();

        return Created(request, store, time, options.Value, new ConnectSession
        {
            Token = Secrets.ConnectSessionToken(),
            EndUser = user,
            Tags = EndUserReader.MergeTags(user, tags),
            AllowedIntegrations = allowed,
            IntegrationsConfigDefaults = defaults,
            WebhookUrlOverride = webhookUrl,
            ExpiresAt = time.GetUtcNow() + Ttl,
        });
    }

    private static async Task<IResult> CreateReconnectSession(HttpRequest request, SandboxStore store, TimeProvider time,
        IOptions<SandboxOptions> options, CancellationToken ct)
    {
        var (json, error) = await Strict.ReadBodyWithEmptyQueryAsync(request, ct);
        if (error is not null)
            return error;

        var v = new Strict();
        var body = v.Object(json, [], required: true, "connection_id", "integration_id",
            "end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags");
        var connectionId = v.String(body, "connection_id", [], required: true, min: 1, max: 255);
        var integrationId = v.String(body, "integration_id", [], required: true, min: 1, max: 255);
        var (user, tags) = EndUserReader.Read(v, body);
        var defaults = ReadDefaults(v, body, store);
        var webhookUrl = ReadWebhookUrl(v, body);
        var overrides = v.AnyObject(body?["overrides"], ["overrides"], required: false);
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);
        if (overrides is { Count: > 0 })
            return DocsConnectForbidden();

        var connection = store.FindConnection(integrationId!, connectionId!);
        if (connection is null)
            return NangoResults.Error(400, "invalid_body", "ConnectionID or IntegrationId does not exists");

        // The reconnected connection keeps its end user unless the request names one.
        user ??= connection.EndUser;
        return Created(request, store, time, options.Value, new ConnectSession
        {
            Token = Secrets.ConnectSessionToken(),
            EndUser = user,
            Tags = tags is null && user == connection.EndUser
                ? new Dictionary<string, string>(connection.Tags)
                : EndUserReader.MergeTags(user, tags),
            AllowedIntegrations = [integrationId!],
            IntegrationsConfigDefaults = defaults,
            WebhookUrlOverride = webhookUrl ?? connection.WebhookUrlOverride,
            ReconnectConnectionId = connectionId,
            ExpiresAt = time.GetUtcNow() + Ttl,
        });
    }

    private static IResult GetSession(HttpContext context)
    {
        if (Strict.OnlyQuery(context.Request) is { } invalid)
            return invalid;
        var session = Caller.From(context).Session!;
        return NangoResults.Json(new
        {
            data = new ApiSession(
                ApiEndUser.From(session.EndUser),
                ApiConnectUISettings.Default,
                session.AllowedIntegrations is { Count: > 0 } allowed ? allowed : null,
                session.IntegrationsConfigDefaults?.ToDictionary(
                    d => d.Key, d => new ApiSessionDefaults(d.Value.ConnectionConfig, d.Value.AuthorizationParams)),
                session.ReconnectConnectionId is null ? null : true,
                "/"),
        });
    }

    private static IResult DeleteSession(HttpContext context, SandboxStore store)
    {
        if (Strict.OnlyQuery(context.Request) is { } invalid)
            return invalid;
        return store.DeleteSession(Caller.From(context).Session!.Token)
            ? TypedResults.NoContent()
            : NangoResults.Error(400, "server_error", "Failed to delete connect session");
    }

    private static IResult Created(HttpRequest request, SandboxStore store, TimeProvider time, SandboxOptions options, ConnectSession session)
    {
        store.AddSession(session);
        var connectUi = string.IsNullOrEmpty(options.ConnectUiUrl) ? SandboxUrls.Base(request) : options.ConnectUiUrl.TrimEnd('/');
        return NangoResults.Json(new
        {
            data = new ApiSessionCreated(session.Token, $"{connectUi}/?session_token={session.Token}", Iso.Format(session.ExpiresAt)),
        }, StatusCodes.Status201Created);
    }

    /// <summary><c>integrations_config_defaults</c>: every key must be an existing integration.</summary>
    private static Dictionary<string, IntegrationDefaults>? ReadDefaults(Strict v, JsonObject? body, SandboxStore store)
    {
        string[] path = ["integrations_config_defaults"];
        var obj = v.AnyObject(body?["integrations_config_defaults"], path, required: false);
        if (obj is null)
            return null;
        var result = new Dictionary<string, IntegrationDefaults>(StringComparer.Ordinal);
        foreach (var (key, node) in obj)
        {
            string[] itemPath = [.. path, key];
            if (store.FindIntegration(key) is null)
                v.Add("custom", "Integration does not exist", itemPath);
            var item = v.Object(node, itemPath, required: true, "user_scopes", "authorization_params", "connection_config");
            var userScopes = v.String(item, "user_scopes", itemPath, required: false);
            var authorizationParams = v.StringRecord(item, "authorization_params", itemPath);
            string[] configPath = [.. itemPath, "connection_config"];
            var config = v.AnyObject(item?["connection_config"], configPath, required: false);
            if (config is not null)
            {
                v.String(config, "oauth_scopes_override", configPath, required: false);
                config = (JsonObject)config.DeepClone();
            }
            result[key] = new IntegrationDefaults(config, authorizationParams, userScopes);
        }
        return result;
    }

    // Note: the sandbox accepts loopback and private URLs, which stock Nango refuses (documented difference).
    private static string? ReadWebhookUrl(Strict v, JsonObject? body)
    {
        var url = v.String(body, "webhook_url_override", [], required: false);
        if (url is { Length: > 0 } && !Uri.TryCreate(url, UriKind.Absolute, out _))
            v.Add("invalid_string", "Invalid url", "webhook_url_override");
        return string.IsNullOrEmpty(url) ? null : url;
    }

    // Note: overriding docs_connect needs a paid plan; self-hosted Nango has none, so it is always refused.
    private static IResult DocsConnectForbidden() =>
        NangoResults.Error(403, "forbidden", "You are not allowed to override the docs_connect url");

    private sealed record ApiSessionCreated(
        [property: JsonPropertyName("token")] string Token,
        [property: JsonPropertyName("connect_link")] string ConnectLink,
        [property: JsonPropertyName("expires_at")] string ExpiresAt);

    private sealed record ApiSession(
        [property: JsonPropertyName("endUser")] ApiEndUser? EndUser,
        [property: JsonPropertyName("connectUISettings")] ApiConnectUISettings ConnectUISettings,
        [property: JsonPropertyName("allowed_integrations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? AllowedIntegrations,
        [property: JsonPropertyName("integrations_config_defaults"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, ApiSessionDefaults>? IntegrationsConfigDefaults,
        [property: JsonPropertyName("isReconnecting"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IsReconnecting,
        [property: JsonPropertyName("websocketsPath")] string WebsocketsPath);

    private sealed record ApiSessionDefaults(
        [property: JsonPropertyName("connection_config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? ConnectionConfig,
        [property: JsonPropertyName("authorization_params"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? AuthorizationParams);

    private sealed record ApiConnectUISettings(
        [property: JsonPropertyName("theme")] ApiThemes Theme,
        [property: JsonPropertyName("defaultTheme")] string DefaultTheme,
        [property: JsonPropertyName("showWatermark")] bool ShowWatermark)
    {
        public static readonly ApiConnectUISettings Default = new(new ApiThemes(new ApiTheme("#00B2E3"), new ApiTheme("#00B2E3")), "system", true);
    }

    private sealed record ApiThemes(
        [property: JsonPropertyName("light")] ApiTheme Light,
        [property: JsonPropertyName("dark")] ApiTheme Dark);

    private sealed record ApiTheme([property: JsonPropertyName("primary")] string Primary);
}
