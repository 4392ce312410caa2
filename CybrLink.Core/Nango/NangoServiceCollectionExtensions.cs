using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace CybrLink.Core.Nango;

public static class NangoServiceCollectionExtensions
{
    public const string ApiClientName = "nango";
    public const string ProxyClientName = "nango-proxy";

    /// <summary>
    /// The Refit <see cref="INangoApi"/> and <see cref="NangoProxyClient"/>, with the secret key set by a handler,
    /// timeouts everywhere, retries for idempotent API calls only, and a circuit breaker.
    /// </summary>
    public static IServiceCollection AddNangoClient(this IServiceCollection services)
    {
        services.AddTransient<NangoAuthHandler>();
        services.AddTransient<NangoUnavailableHandler>();

        var settings = new RefitSettings
        {
            ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
            {
                // Nango's inputs are strict: an absent optional field is fine, an explicit null is often a 400.
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            }),
            ExceptionFactory = async response =>
                response.IsSuccessStatusCode ? null : await NangoApiException.FromResponseAsync(response),
            // NangoUnavailableHandler already turned transport failures into NangoUnavailableException: keep it.
            TransportExceptionFactory = (_, exception, _) => exception,
            DeserializationExceptionFactory = (response, _) => ValueTask.FromResult<Exception?>(
                new NangoApiException(response.StatusCode, "unexpected_response", "Nango's answer did not have the expected shape.", [])),
        };

        services.AddRefitGeneratedClient<INangoApi>(settings, ApiClientName)
            .ConfigureHttpClient(ConfigureBase)
            .AddHttpMessageHandler<NangoUnavailableHandler>()
            .AddHttpMessageHandler<NangoAuthHandler>()
            .AddResilienceHandler("nango-api", (pipeline, context) =>
            {
                var nango = context.ServiceProvider.GetRequiredService<IOptions<NangoOptions>>().Value;
                // Note: Nango is reached over a real network, so timeouts and back-off run on the system clock,
                // whatever clock the domain is given.
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(TimeSpan.FromSeconds(nango.TimeoutSeconds));
                var retry = new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(nango.RetryDelayMilliseconds),
                };
                // Note: a 429 is Nango's per-key limit. Retrying it here would spend the wait inside one call until
                // the timeout ("did not answer in time"); it surfaces at once as NangoApiException.RetryAfter instead,
                // and the caller decides whether to wait.
                retry.ShouldHandle = args => ValueTask.FromResult(
                    !IsRateLimited(args.Outcome) && HttpClientResiliencePredicates.IsTransient(args.Outcome));
                // Note: a POST that timed out may still have created a session or an integration in Nango;
                // repeating it could create two. Only safe methods are retried.
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    // A rate limit is Nango working as configured, not Nango failing.
                    ShouldHandle = args => ValueTask.FromResult(
                        !IsRateLimited(args.Outcome) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                    SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, nango.TimeoutSeconds * 2)),
                    BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(Math.Min(10, nango.TimeoutSeconds)));
            });

        services.AddHttpClient<NangoProxyClient>(ProxyClientName)
            .ConfigureHttpClient(ConfigureBase)
            .AddHttpMessageHandler<NangoUnavailableHandler>()
            .AddHttpMessageHandler<NangoAuthHandler>()
            .AddResilienceHandler("nango-proxy", (pipeline, context) =>
            {
                // No retries: a proxied request may not be idempotent, and its body is streamed once.
                var nango = context.ServiceProvider.GetRequiredService<IOptions<NangoOptions>>().Value;
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(TimeSpan.FromSeconds(nango.ProxyTimeoutSeconds));
            });

        return services;
    }

    private static bool IsRateLimited(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode == System.Net.HttpStatusCode.TooManyRequests;

    private static void ConfigureBase(IServiceProvider sp, HttpClient client)
    {
        client.BaseAddress = sp.GetRequiredService<IOptions<NangoOptions>>().Value.BaseUri;
        // Resilience owns timeouts; the HttpClient default (100 s) must not cut a streamed proxy response short.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }
}
