using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;

namespace CybrLink.Sandbox.Api;

/// <summary>
/// <c>/connections</c>: list (no credentials), import, soft delete. <c>GET /connections/{id}</c> is deliberately not
/// mapped (it answers 404): it returns credentials, and CybrLink must never call it.
/// </summary>
internal static partial class ConnectionsEndpoints
{
    private const int DefaultLimit = 10_000;

    public static void MapConnections(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/connections").RequireSecretKey();
        group.MapGet("", ListConnections);
        group.MapPost("", ImportConnection);
        group.MapDelete("/{connectionId}", DeleteConnection);
    }

    private static IResult ListConnections(HttpRequest request, SandboxStore store)
    {
        string[] scalars = ["connectionId", "search", "endUserId", "endUserOrganizationId", "integrationId", "limit", "page"];
        if (Strict.OnlyQuery(request, k => scalars.Contains(k) || TagParamRegex().IsMatch(k)) is { } invalid)
            return invalid;

        var issues = new List<ZodIssue>();
        var limit = ReadInt(request, "limit", 1, 2000, issues) ?? DefaultLimit;
        var page = ReadInt(request, "page", 0, int.MaxValue, issues) ?? 0;
        if (issues.Count > 0)
            return NangoResults.InvalidQuery(issues);

        IEnumerable<Connection> connections = store.LiveConnections();
        if (Query(request, "connectionId") is { } connectionId)
            connections = connections.Where(c => c.ConnectionId == connectionId);
        if (Query(request, "search") is { } search)
            connections = connections.Where(c => Contains(c.ConnectionId, search)
                || Contains(c.EndUser?.DisplayName, search) || Contains(c.EndUser?.Email, search));
        if (Query(request, "endUserId") is { } endUserId)
            connections = connections.Where(c => c.EndUser?.Id == endUserId);
        if (Query(request, "endUserOrganizationId") is { } orgId)
            connections = connections.Where(c => c.EndUser?.Organization?.Id == orgId);
        if (Query(request, "integrationId") is { } integrationIds)
        {
            var keys = integrationIds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            connections = connections.Where(c => keys.Contains(c.ProviderConfigKey));
        }
        // Note: tag keys are case-insensitive (stored lower-cased), values case-sensitive; several filters AND together.
        foreach (var key in request.Query.Keys.Where(k => TagParamRegex().IsMatch(k)))
        {
            var tagKey = TagParamRegex().Match(key).Groups[1].Value.ToLowerInvariant();
            var value = request.Query[key].ToString();
            connections = connections.Where(c => c.Tags.TryGetValue(tagKey, out var v) && v == value);
        }

        var items = connections
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((int)Math.Min((long)page * limit, int.MaxValue)).Take(limit)
            .Select(ApiConnectionListItem.From);
        return NangoResults.Json(new { connections = items });
    }

    private static async Task<IResult> ImportConnection(HttpRequest request, SandboxStore store, TimeProvider time,
        WebhookSender webhooks, CancellationToken ct)
    {
        var (json, error) = await Strict.ReadBodyWithEmptyQueryAsync(request, ct);
        if (error is not null)
            return error;

        var v = new Strict();
        var body = v.Object(json, [], required: true, "provider_config_key", "connection_id", "metadata", "connection_config",
            "webhook_url_override", "end_user", "tags", "credentials");
        var key = v.String(body, "provider_config_key", [], required: true, min: 1);
        var connectionId = v.String(body, "connection_id", [], required: false, min: 1, max: 255);
        var metadata = v.AnyObject(body?["metadata"], ["metadata"], required: false);
        var config = v.AnyObject(body?["connection_config"], ["connection_config"], required: false);
        var webhookUrl = v.String(body, "webhook_url_override", [], required: false);
        var (user, tags) = EndUserReader.Read(v, body);
        var credentials = ReadCredentials(v, body);
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);

        var integration = store.FindIntegration(key!);
        if (integration is null)
            return NangoResults.Error(404, "not_found", "Integration does not exist");
        var provider = store.FindProvider(integration.Provider)!;
        if (credentials!.Type != provider.AuthMode)
            return NangoResults.Error(400, "invalid_body", $"Provider {provider.AuthMode} does not support {credentials.Type} auth");

        var now = time.GetUtcNow();
        var id = connectionId ?? Guid.NewGuid().ToString();
        var (connection, overridden) = store.Upsert(integration.UniqueKey, id, (rowId, existing) => new Connection
        {
            Id = rowId, ConnectionId = id, ProviderConfigKey = integration.UniqueKey, Provider = provider.Name,
            EndUser = user, Tags = EndUserReader.MergeTags(user, tags),
            Metadata = (JsonObject?)metadata?.DeepClone() ?? [], ConnectionConfig = (JsonObject?)config?.DeepClone() ?? [],
            WebhookUrlOverride = string.IsNullOrEmpty(webhookUrl) ? null : webhookUrl,
            Credentials = credentials, CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now,
        });
        webhooks.Send(connection, overridden ? WebhookOperations.Override : WebhookOperations.Creation, provider.AuthMode);
        return NangoResults.Json(ApiConnectionFull.From(connection), StatusCodes.Status201Created);
    }

    private static IResult DeleteConnection(string connectionId, HttpRequest request, SandboxStore store)
    {
        if (Strict.OnlyQuery(request, "provider_config_key") is { } invalid)
            return invalid;
        var key = request.Query["provider_config_key"].ToString();
        if (key.Length == 0)
            return NangoResults.InvalidQuery([new ZodIssue("invalid_type", "Required", ["provider_config_key"])]);
        // Note: soft delete, as Nango; a repeat finds nothing and answers without a message.
        return store.SoftDelete(key, connectionId)
            ? NangoResults.Json(new { success = true })
            : NangoResults.Error(400, "unknown_connection");
    }

    /// <summary>The import <c>credentials</c> union, discriminated by <c>type</c> (the sandbox's three auth modes).</summary>
    private static ConnectionCredentials? ReadCredentials(Strict v, JsonObject? body)
    {
        string[] path = ["credentials"];
        var obj = v.AnyObject(body?["credentials"], path, required: true);
        var type = v.String(obj, "type", path, required: true);
        switch (type)
        {
            case null:
                return null;
            case AuthModes.OAuth2:
            {
                v.Object(obj, path, required: true, "type", "access_token", "refresh_token", "expires_at", "config_override");
                var accessToken = v.String(obj, "access_token", path, required: true, min: 1);
                var refreshToken = v.String(obj, "refresh_token", path, required: false);
                var expiresAtText = v.String(obj, "expires_at", path, required: false);
                DateTimeOffset? expiresAt = null;
                if (expiresAtText is not null)
                {
                    if (DateTimeOffset.TryParse(expiresAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                        expiresAt = parsed;
                    else
                        v.Add("invalid_date", "Invalid date", "credentials", "expires_at");
                }
                var raw = new JsonObject { ["access_token"] = accessToken, ["token_type"] = "Bearer" };
                if (refreshToken is not null)
                    raw["refresh_token"] = refreshToken;
                return new OAuth2Credentials(accessToken ?? "", refreshToken, expiresAt, raw);
            }
            case AuthModes.ApiKey:
            {
                v.Object(obj, path, required: true, "type", "apiKey");
                return new ApiKeyCredentials(v.String(obj, "apiKey", path, required: true, min: 1, max: 1024) ?? "");
            }
            case AuthModes.Basic:
            {
                v.Object(obj, path, required: true, "type", "username", "password");
                var username = v.String(obj, "username", path, required: true, max: 1024);
                var password = v.String(obj, "password", path, required: true, max: 1024);
                return new BasicCredentials(username ?? "", password ?? "");
            }
            default:
                v.Add("invalid_union_discriminator", "Invalid discriminator value. Expected 'OAUTH2' | 'API_KEY' | 'BASIC'", "credentials", "type");
                return null;
        }
    }

    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;

    private static bool Contains(string? text, string search) => text?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false;

    private static int? ReadInt(HttpRequest request, string name, int min, int max, List<ZodIssue> issues)
    {
        if (Query(request, name) is not { } text)
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            issues.Add(new ZodIssue("invalid_type", "Expected number, received nan", [name]));
        else if (value < min)
            issues.Add(new ZodIssue("too_small", $"Number must be greater than or equal to {min}", [name]));
        else if (value > max)
            issues.Add(new ZodIssue("too_big", $"Number must be less than or equal to {max}", [name]));
        else
            return value;
        return null;
    }

    [GeneratedRegex(@"^tags\[([^\[\]]+)\]$")]
    private static partial Regex TagParamRegex();
}
