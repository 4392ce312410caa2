using CybrLink.Core.AgentAccess;
using CybrLink.Core.Nango;
using CybrLink.Core.Policies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Agents;

/// <summary>
/// <c>ANY /api/v1/agent/proxy/{connection_id}/{**path}</c>: a raw provider call. Guards first (path, headers, size),
/// then the gate, then Nango's proxy; bodies stream both ways.
/// </summary>
public static class AgentProxy
{
    public static async Task<ProviderAnswer> ForwardAsync(
        Guid connection_id, HttpContext http, AgentAccessGate gate, AgentUpstream upstream, IOptionsMonitor<AgentOptions> options,
        CancellationToken ct)
    {
        var call = http.GetAgentCall();
        var request = http.Request;
        call.Method = request.Method.ToUpperInvariant();
        call.ConnectionId = connection_id;

        var raw = RawPathAfterConnection(http, connection_id);
        var path = AgentPaths.Normalize(raw);
        call.Path = path.Path ?? raw;
        if (path.Error is not null)
        {
            call.Reason = "invalid_path";
            throw new AgentAccessException(AgentRefusal.InvalidPath, path.Error);
        }

        var headers = AgentProxyHeaders.Forwarded(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())), call);
        var max = options.CurrentValue.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            call.Reason = "body_too_large";
            throw new AgentAccessException(AgentRefusal.BodyTooLarge, $"Bodies of up to {max} bytes are accepted.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1;
        }

        var grant = await gate.AuthorizeAsync(new AgentTarget(null, connection_id, null), new AgentOperation(Method: call.Method, Path: path.Path), call, ct);
        var response = await upstream.SendAsync(grant, new NangoProxyRequest
        {
            Method = new HttpMethod(call.Method),
            Path = path.Path!,
            Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : null,
            ConnectionId = grant.Connection.NangoConnectionId,
            ProviderConfigKey = grant.Integration.Key,
            ProviderHeaders = headers,
            Content = BodyOf(request, max),
        }, call, ct);
        return new ProviderAnswer(response);
    }

    /// <summary>The path as the agent sent it, still percent-encoded (the router's decoded copy would hide %2F).</summary>
    private static string RawPathAfterConnection(HttpContext http, Guid connectionId)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        var rawPath = query < 0 ? target : target[..query];
        var marker = $"/proxy/{connectionId}";
        var at = rawPath.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            // The route matched on a differently spelled id (e.g. upper case): find the end of the id segment.
            var proxyAt = rawPath.IndexOf("/proxy/", StringComparison.OrdinalIgnoreCase);
            var afterId = rawPath.IndexOf('/', proxyAt + "/proxy/".Length);
            return afterId < 0 ? "/" : rawPath[afterId..];
        }

        var rest = rawPath[(at + marker.Length)..];
        return rest.Length == 0 ? "/" : rest;
    }

    private static StreamContent? BodyOf(HttpRequest request, long max)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return null;
        }

        var content = new StreamContent(new BodyLimitStream(request.Body, max,
            e => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }));
        if (request.ContentType is { } type)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        if (request.ContentLength is { } length)
        {
            content.Headers.ContentLength = length;
        }

        return content;
    }
}
