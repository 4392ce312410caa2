using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.Nango;
using Polly.Timeout;

namespace CybrLink.Core.AgentAccess;

/// <summary>
/// Sends an allowed call through Nango's proxy and tells Nango's own failures apart from the provider's answer. The
/// provider's answer (any status) is returned for streaming; Nango's failures become refusals with a stable code.
/// </summary>
/// <remarks>
/// Note: Nango marks neither kind with a header (NANGO.md §7). A non-2xx JSON body whose <c>error.code</c> is one of
/// Nango's own codes is taken as Nango's; anything else is the provider's and goes back untouched.
/// </remarks>
public sealed class AgentUpstream(NangoProxyClient proxy, AgentConnectLinks links)
{
    private const int MaxInspectedBytes = 64 * 1024;

    private static readonly HashSet<string> NangoCodes = new(StringComparer.Ordinal)
    {
        "too_many_request", "connection_refresh_backoff", "server_error", "unknown_provider_config", "unknown_connection",
        "invalid_headers", "invalid_body", "invalid_query_params", "missing_auth_header", "unknown_account",
        "invalid_secret_key_format", "base_url_override_disabled", "base_url_override_not_allowed", "plan_limit",
    };

    /// <summary>The provider's answer (caller disposes); throws <see cref="AgentAccessException"/> for Nango's failures.</summary>
    public async Task<HttpResponseMessage> SendAsync(AgentGrant grant, NangoProxyRequest request, AgentCallDraft call, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await proxy.SendAsync(request, ct);
        }
        catch (NangoUnavailableException e) when (e.GetBaseException() is AgentAccessException refusal)
        {
            // The agent's body went over the limit while it was being streamed to Nango.
            call.Reason = "body_too_large";
            throw refusal;
        }
        catch (NangoUnavailableException e) when (e.InnerException is TimeoutRejectedException or TaskCanceledException)
        {
            call.Reason = "upstream_timeout";
            throw new AgentAccessException(AgentRefusal.UpstreamTimeout, "The provider did not answer in time.");
        }
        catch (NangoUnavailableException)
        {
            call.Reason = "nango_unavailable";
            throw new AgentAccessException(AgentRefusal.NangoUnavailable, "The token service (Nango) could not be reached.");
        }

        if (response.IsSuccessStatusCode || !MayBeNangos(response))
        {
            call.UpstreamStatus = (int)response.StatusCode;
            return response;
        }

        var body = await ReadBoundedAsync(response, ct);
        if (body is null || NangoCodeOf(body) is not { } code)
        {
            call.UpstreamStatus = (int)response.StatusCode;
            return body is null ? response : Replay(response, body);
        }

        using (response)
        {
            call.Reason = $"nango_{code}";
            throw await RefusalForAsync(response, code, body, grant, call, ct);
        }
    }

    private async Task<AgentAccessException> RefusalForAsync(
        HttpResponseMessage response, string code, byte[] body, AgentGrant grant, AgentCallDraft call, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta ?? NangoApiException.DefaultRetryAfter;
            return new AgentAccessException(AgentRefusal.NangoRateLimited,
                "Nango's API rate limit was reached; try again after Retry-After.") { RetryAfter = retryAfter };
        }

        if (code == "connection_refresh_backoff" || (code == "server_error" && MessageOf(body).StartsWith("Failed to get connection credentials", StringComparison.Ordinal)))
        {
            var session = await links.ReconnectAsync(call.Caller.AgentId, grant.Connection.Id, ct);
            return new AgentAccessException(AgentRefusal.ReconnectRequired,
                "Nango could not refresh the credential; the end user has to reconnect (connect_url).") { ConnectSession = session };
        }

        if (code is "server_error" or "unknown_connection")
        {
            return new AgentAccessException(AgentRefusal.ConnectionRevoked, "The connection no longer exists in Nango.");
        }

        return new AgentAccessException(AgentRefusal.NangoUnavailable, $"Nango refused the call ({(int)response.StatusCode} {code}).");
    }

    private static bool MayBeNangos(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.PaymentRequired
            or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.FailedDependency or HttpStatusCode.TooManyRequests
        && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
        && response.Content.Headers.ContentLength is null or <= MaxInspectedBytes;

    /// <summary>The body when it is small enough to inspect; null when it is larger (then it is the provider's).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is { } length)
        {
            return await response.Content.ReadAsByteArrayAsync(ct);
        }

        // Note: a chunked body of unknown size is inspected only up to the bound; beyond it, it cannot be Nango's
        // small error envelope, and what was read is replayed ahead of the rest.
        var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxInspectedBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        if (read <= MaxInspectedBytes)
        {
            return buffer[..read];
        }

        var rest = new ConcatenatedStream(new MemoryStream(buffer, 0, read), stream);
        var replay = new StreamContent(rest);
        CopyContentHeaders(response.Content, replay);
        response.Content = replay;
        return null;
    }

    private static HttpResponseMessage Replay(HttpResponseMessage response, byte[] body)
    {
        var content = new ByteArrayContent(body);
        CopyContentHeaders(response.Content, content);
        response.Content = content;
        return response;
    }

    private static void CopyContentHeaders(HttpContent from, HttpContent to)
    {
        foreach (var (name, values) in from.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                to.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    private static string? NangoCodeOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                && NangoCodes.Contains(code.GetString()!)
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string MessageOf(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("error").TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : "";
    }
}
