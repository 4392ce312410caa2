using System.Net;
using System.Text.Json;

namespace CybrLink.Core.Nango;

/// <summary>Nango answered with an error. Carries Nango's code and message, never its raw body.</summary>
public sealed class NangoApiException(
    HttpStatusCode status, string code, string? nangoMessage, IReadOnlyList<NangoValidationIssue> issues)
    : Exception($"Nango answered {(int)status} {code}" + (nangoMessage is null ? "" : $": {nangoMessage}"))
{
    public HttpStatusCode Status { get; } = status;
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
            error?.Errors ?? []);
    }
}

/// <summary>Nango could not be reached: network error, timeout, or the circuit breaker is open.</summary>
public sealed class NangoUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
