using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.BrowserAuth;

/// <summary>
/// Non-OAuth auth from the browser: <c>POST /api-auth/api-key/{key}</c> and <c>POST /api-auth/basic/{key}</c>
/// with <c>?connect_session_token=</c>. The secret goes straight from the page to here, never through CybrLink.
/// </summary>
internal static class ApiAuthEndpoints
{
    public static void MapApiAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api-auth/api-key/{providerConfigKey}", ApiKeyAsync);
        app.MapPost("/api-auth/basic/{providerConfigKey}", BasicAsync);
    }

    private static Task<IResult> ApiKeyAsync(string providerConfigKey, HttpRequest request, NangoAuthentication auth,
        SessionConnections sessions, CancellationToken ct) =>
        AuthenticateAsync(providerConfigKey, request, auth, sessions, AuthModes.ApiKey, (v, body) =>
        {
            v.Object(body, [], required: true, "apiKey");
            var apiKey = v.String(body, "apiKey", [], required: true, min: 1, max: 1024);
            return new ApiKeyCredentials(apiKey ?? "");
        }, ct);

    private static Task<IResult> BasicAsync(string providerConfigKey, HttpRequest request, NangoAuthentication auth,
        SessionConnections sessions, CancellationToken ct) =>
        AuthenticateAsync(providerConfigKey, request, auth, sessions, AuthModes.Basic, (v, body) =>
        {
            v.Object(body, [], required: true, "username", "password");
            var username = v.String(body, "username", [], required: true, max: 1024);
            var password = v.String(body, "password", [], required: true, max: 1024);
            return new BasicCredentials(username ?? "", password ?? "");
        }, ct);

    private static async Task<IResult> AuthenticateAsync(string key, HttpRequest request, NangoAuthentication auth,
        SessionConnections sessions, string authMode, Func<Strict, JsonObject?, ConnectionCredentials> readBody, CancellationToken ct)
    {
        var (session, authError) = auth.FromQuery(request);
        if (authError is not null)
            return authError;
        if (SessionConnections.ValidateQuery(request) is { } invalidQuery)
            return invalidQuery;
        var (json, jsonError) = await Strict.ReadBodyAsync(request, ct);
        if (jsonError is not null)
            return jsonError;
        var v = new Strict();
        var credentials = readBody(v, json as JsonObject ?? v.AnyObject(json, [], required: true));
        if (!v.IsValid)
            return NangoResults.InvalidBody(v.Issues);

        var (integration, provider, error) = sessions.Resolve(session!, key);
        if (error is not null)
            return error;
        if (provider!.AuthMode != authMode)
            return NangoResults.Error(400, "invalid_auth_mode", $"Provider {provider.Name} does not support {authMode} auth");

        var config = SessionConnections.ConnectionConfig(request, session!, key);
        var missing = SessionConnections.MissingFields(provider, config);
        if (missing.Count > 0)
            return NangoResults.Error(400, "invalid_connection_config",
                $"Missing connection configuration parameter(s): {string.Join(", ", missing)}");

        var connection = sessions.Save(session!, integration!, provider, config, credentials);
        return NangoResults.Json(new ApiAuthResult(connection.ConnectionId, connection.ProviderConfigKey));
    }

    private sealed record ApiAuthResult(
        [property: JsonPropertyName("connectionId")] string ConnectionId,
        [property: JsonPropertyName("providerConfigKey")] string ProviderConfigKey);
}
