using System.Text.Json;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.RateLimit;
using CybrLink.Sandbox.Store;
using CybrLink.Sandbox.Webhooks;

namespace CybrLink.Sandbox.Control;

/// <summary>
/// Test controls under <c>/_sandbox</c> (secret key, never rate limited): fault switches, the rate limit, token expiry, webhook log. Not part of Nango;
/// <see cref="SandboxControlClient"/> is their typed client.
/// </summary>
internal static class ControlEndpoints
{
    public static void MapControl(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sandbox").RequireSecretKey(rateLimited: false);
        group.MapPost("/faults/upstream", FailUpstreamAsync);
        group.MapPost("/faults/refresh", FailRefreshAsync);
        group.MapPost("/faults/api", FailApiAsync);
        group.MapPost("/faults/consent", SetConsentAsync);
        group.MapPost("/faults/webhooks", async (HttpRequest request, FaultState faults, CancellationToken ct) =>
        {
            if ((await ReadAsync<WebhookFault>(request, ct)).Hold ?? true)
                faults.HoldWebhooks();
            else
                faults.ReleaseWebhooks();
            return TypedResults.NoContent();
        });
        group.MapPost("/faults/logos", async (HttpRequest request, FaultState faults, CancellationToken ct) =>
        {
            faults.LogosMissing = (await ReadAsync<LogoFault>(request, ct)).Missing ?? true;
            return TypedResults.NoContent();
        });
        group.MapPost("/rate-limit", SetRateLimitAsync);
        group.MapPost("/reset", (FaultState faults, ApiRateLimiter rateLimiter) =>
        {
            faults.Reset();
            rateLimiter.Reset();
            return TypedResults.NoContent();
        });
        group.MapPost("/connections/{connectionId}/expire", ExpireAccessToken);
        group.MapGet("/webhooks", (WebhookSender webhooks) => NangoResults.Json(new { data = webhooks.Deliveries }));
    }

    private static async Task<IResult> FailUpstreamAsync(HttpRequest request, FaultState faults, CancellationToken ct)
    {
        var fault = await ReadAsync<UpstreamFault>(request, ct);
        if (fault.Status is { } status)
            faults.FailUpstream(status, fault.Count);
        if (fault.DelayMs is { } delay)
            faults.DelayUpstream(TimeSpan.FromMilliseconds(delay), fault.Count);
        if (fault.Headers is { Count: > 0 } headers)
            faults.AddUpstreamHeaders(headers, fault.Count);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> FailRefreshAsync(HttpRequest request, FaultState faults, CancellationToken ct)
    {
        faults.FailRefresh((await ReadAsync<CountFault>(request, ct)).Count);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> FailApiAsync(HttpRequest request, FaultState faults, CancellationToken ct)
    {
        var fault = await ReadAsync<ApiFault>(request, ct);
        var mode = fault.Mode switch
        {
            "error" => ApiFaultMode.Error,
            "hang" => ApiFaultMode.Hang,
            _ => (ApiFaultMode?)null,
        };
        if (mode is null)
            return NangoResults.InvalidBody("mode must be 'error' or 'hang'", "mode");
        faults.FailApi(mode.Value, fault.Count);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetConsentAsync(HttpRequest request, FaultState faults, CancellationToken ct)
    {
        var fault = await ReadAsync<ConsentFault>(request, ct);
        if (fault.ApproveAfterMs is < 0)
            return NangoResults.InvalidBody("approve_after_ms must not be negative", "approve_after_ms");
        faults.Consent = new ConsentBehaviour(fault.CrossOriginOpenerPolicy ?? false,
            fault.ApproveAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetRateLimitAsync(HttpRequest request, ApiRateLimiter rateLimiter, CancellationToken ct)
    {
        var setting = await ReadAsync<RateLimitSetting>(request, ct);
        if (setting.PerMinute is not { } perMinute || perMinute < 0)
            return NangoResults.InvalidBody("per_minute must be a number of calls, 0 = no limit", "per_minute");
        rateLimiter.Set(perMinute);
        return TypedResults.NoContent();
    }

    /// <summary>Makes the stored access token already expired, so the next proxy call refreshes it.</summary>
    private static IResult ExpireAccessToken(string connectionId, HttpRequest request, SandboxStore store, TimeProvider time)
    {
        var updated = store.Update(request.Query["provider_config_key"].ToString(), connectionId, c => c.Credentials is OAuth2Credentials oauth
            ? c with { Credentials = oauth with { ExpiresAt = time.GetUtcNow().AddMinutes(-1) } }
            : c);
        return updated is null
            ? NangoResults.Error(404, "not_found", "Failed to find connection")
            : TypedResults.NoContent();
    }

    // The sandbox's own serializer, never the host's JSON options.
    private static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : new() =>
        await JsonSerializer.DeserializeAsync<T>(request.Body, SandboxJson.Options, ct) ?? new T();

    private sealed record UpstreamFault
    {
        [JsonPropertyName("status")] public int? Status { get; init; }
        [JsonPropertyName("delay_ms")] public int? DelayMs { get; init; }
        [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }
        [JsonPropertyName("count")] public int? Count { get; init; }
    }

    private sealed record CountFault
    {
        [JsonPropertyName("count")] public int? Count { get; init; }
    }

    private sealed record ConsentFault
    {
        [JsonPropertyName("cross_origin_opener_policy")] public bool? CrossOriginOpenerPolicy { get; init; }
        [JsonPropertyName("approve_after_ms")] public int? ApproveAfterMs { get; init; }
    }

    private sealed record WebhookFault
    {
        [JsonPropertyName("hold")] public bool? Hold { get; init; }
    }

    private sealed record LogoFault
    {
        [JsonPropertyName("missing")] public bool? Missing { get; init; }
    }

    private sealed record RateLimitSetting
    {
        [JsonPropertyName("per_minute")] public int? PerMinute { get; init; }
    }

    private sealed record ApiFault
    {
        [JsonPropertyName("mode")] public string? Mode { get; init; }
        [JsonPropertyName("count")] public int? Count { get; init; }
    }
}
