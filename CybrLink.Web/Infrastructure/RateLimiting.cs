using CybrLink.Web.Api;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests in any <see cref="Window"/> (a sliding window).</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsValid => PermitLimit > 0 && Window >= TimeSpan.FromSeconds(1);

    /// <summary>A sliding window in six steps: a burst is forgiven a sixth of the window at a time.</summary>
    public SlidingWindowRateLimiterOptions ToLimiterOptions() => new()
    {
        PermitLimit = PermitLimit,
        Window = Window,
        SegmentsPerWindow = 6,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>
/// Every request rate limit, per instance (the counters live in this process's memory). Each limit is a setting;
/// the defaults are in appsettings.json.
/// </summary>
public sealed class RateLimits
{
    public const string SectionName = "RateLimits";

    /// <summary>Sign-in form posts from one client address, whatever the account.</summary>
    public RateLimit SignInPerAddress { get; set; } = new() { PermitLimit = 10 };

    /// <summary>Sign-in form posts for one account from one client address.</summary>
    public RateLimit SignInPerAccountAndAddress { get; set; } = new() { PermitLimit = 5 };

    /// <summary>Sign-in form posts for one account from all addresses together (a guessing attack spread over many addresses).</summary>
    public RateLimit SignInPerAccount { get; set; } = new() { PermitLimit = 30 };

    /// <summary>Setup form posts (setup code tries) from one client address.</summary>
    public RateLimit SetupPerAddress { get; set; } = new() { PermitLimit = 10 };

    /// <summary>Connect UI requests (the <c>/connect</c> page and its JSON calls) from one client address.</summary>
    public RateLimit ConnectPerAddress { get; set; } = new() { PermitLimit = 120 };

    /// <summary>Server API requests made with one server key.</summary>
    public RateLimit ApiPerKey { get; set; } = new() { PermitLimit = 1200 };

    /// <summary>Server API requests without a valid server key, from one client address.</summary>
    public RateLimit ApiPerAddress { get; set; } = new() { PermitLimit = 60 };

    public IEnumerable<(string Name, RateLimit Limit)> All() =>
    [
        (nameof(SignInPerAddress), SignInPerAddress), (nameof(SignInPerAccountAndAddress), SignInPerAccountAndAddress),
        (nameof(SignInPerAccount), SignInPerAccount), (nameof(SetupPerAddress), SetupPerAddress),
        (nameof(ConnectPerAddress), ConnectPerAddress), (nameof(ApiPerKey), ApiPerKey), (nameof(ApiPerAddress), ApiPerAddress),
    ];
}

/// <summary>
/// The request rate limits: named policies for the Connect UI and the server API (429 problem+json with
/// <c>Retry-After</c>); the sign-in and setup forms are limited by <see cref="Account.AccountThrottle"/> on the same settings.
/// </summary>
public static class RateLimiting
{
    public const string ConnectPolicy = "connect";
    public const string ApiPolicy = "api";

    private const string ApiKeyItem = "cybrlink:rate_limit_key_id";

    public static IServiceCollection AddCybrLinkRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimits>().BindConfiguration(RateLimits.SectionName)
            .Validate(o => o.All().All(l => l.Limit.IsValid),
                $"Every {RateLimits.SectionName}:* limit needs PermitLimit of at least 1 and a Window of at least 00:00:01.")
            .ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteRejectionAsync;
            o.AddPolicy(ConnectPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(
                ClientAddress.Of(http), _ => Limits(http).ConnectPerAddress.ToLimiterOptions()));
            o.AddPolicy(ApiPolicy, http => http.Items[ApiKeyItem] is string keyId
                ? RateLimitPartition.GetSlidingWindowLimiter("key:" + keyId, _ => Limits(http).ApiPerKey.ToLimiterOptions())
                : RateLimitPartition.GetSlidingWindowLimiter("address:" + ClientAddress.Of(http), _ => Limits(http).ApiPerAddress.ToLimiterOptions()));
        });
        return services;
    }

    /// <summary>After authentication, before authorization: unauthenticated API calls are limited too.</summary>
    public static IApplicationBuilder UseCybrLinkRateLimiting(this IApplicationBuilder app)
    {
        app.Use(async (http, next) =>
        {
            // The API's scheme is not the default one: resolve the caller's key here so the limit can be per key.
            // The handler caches its result, so authorization does not look the key up a second time.
            if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ApiPolicy)
            {
                var result = await http.AuthenticateAsync(ServerKeyAuthenticationHandler.SchemeName);
                if (result.Succeeded && result.Principal.FindFirstValue(ServerKeyAuthenticationHandler.KeyIdClaim) is { } keyId)
                {
                    http.Items[ApiKeyItem] = keyId;
                }
            }

            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Whole seconds a rejected caller should wait (at least 1).</summary>
    public static int RetryAfterSeconds(RateLimitLease lease, TimeSpan fallback)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : fallback;
        return Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
    }

    private static RateLimits Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimits>>().Value;

    private static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var limits = Limits(http);
        var window = policy == ConnectPolicy ? limits.ConnectPerAddress.Window : limits.ApiPerKey.Window;
        var seconds = RetryAfterSeconds(context.Lease, window / 6);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
            $"Slow down: try again in {seconds} seconds.");
    }
}

public static class ClientAddress
{
    /// <summary>
    /// The address the request came from, as the server saw it. Behind a reverse proxy this is the proxy unless
    /// forwarded headers are configured, so every client would share one limit.
    /// </summary>
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        IPAddress address => address.ToString(),
    };
}
