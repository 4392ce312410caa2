using System.Net;
using System.Text.Json;

namespace CybrLink.Core.Nango;

/// <summary>Nango answered with an error. Carries Nango's code and message, never its raw body.</summary>
public sealed class NangoApiException(
    HttpStatusCode status, string code, string? nangoMessage, IReadOnlyList<NangoValidationIssue> issues, TimeSpan? retryAfter = null)
    : Exception($"Nango answered {(int)status} {code}" + (nangoMessage is null ? "" : $": {nangoMessage}"))
{
    /// <summary>Used when Nango says 429 without a usable <c>Retry-After</c>.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public HttpStatusCode Status { get; } = status;

    /// <summary>
    /// Nango's per-key limit (<c>DEFAULT_RATE_LIMIT_PER_MIN</c>, 200/min by default) was reached: Nango did nothing,
    /// and the same call may be made again after <see cref="RetryAfter"/>.
    /// </summary>
    public bool IsRateLimited => Status == HttpStatusCode.TooManyRequests;

    /// <summary>Nango's <c>Retry-After</c> on a 429 (or <see cref="DefaultRetryAfter"/>); null otherwise.</summary>
    public TimeSpan? RetryAfter { get; } = status == HttpStatusCode.TooManyRequests ? retryAfter ?? DefaultRetryAfter : null;

    public string Code { get; } = code;
    public string? NangoMessage { get; } = nangoMessage;
    public IReadOnlyList<NangoValidationIssue> Issues { get; } = issues;

    /// <summary>Reads Nango's error envelope; a body that is not one becomes code <c>unexpected_response</c>.</summary>
    public static async Task<NangoApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        NangoErrorBody? error = null;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (body.Length > 0)
            {
                error = JsonSerializer.Deserialize<NangoErrorEnvelope>(body)?.Error;
            }
        }
        catch (JsonException)
        {
            // Not Nango's envelope (e.g. a proxy or load balancer page): reported below as unexpected_response.
        }

        return new NangoApiException(
            response.StatusCode,
            error?.Code ?? "unexpected_response",
            error?.Message,
            error?.Errors ?? [],
            RetryAfterOf(response));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}

/// <summary>Nango could not be reached: network error, timeout, or the circuit breaker is open.</summary>
public sealed class NangoUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
