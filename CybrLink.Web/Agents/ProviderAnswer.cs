using Microsoft.AspNetCore.Diagnostics;

namespace CybrLink.Web.Agents;

/// <summary>
/// The provider's own answer, streamed back as is (status, headers, body), marked with <c>CybrLink-Upstream-Status</c>
/// so an agent can tell it from CybrLink's problem answers. Hop-by-hop headers and <c>Set-Cookie</c> stay behind.
/// </summary>
public sealed class ProviderAnswer(HttpResponseMessage upstream) : IResult
{
    public const string UpstreamStatusHeader = "CybrLink-Upstream-Status";

    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Set-Cookie",
        "Proxy-Authenticate", "Server",
    };

    public async Task ExecuteAsync(HttpContext context)
    {
        using (upstream)
        {
            // Note: an empty provider 404 must stay the provider's; CybrLink's status-code pages would dress it as ours.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            var response = context.Response;
            response.StatusCode = (int)upstream.StatusCode;
            foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers))
            {
                if (!Dropped.Contains(name))
                {
                    response.Headers[name] = values.ToArray();
                }
            }

            response.Headers[UpstreamStatusHeader] = ((int)upstream.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using var body = await upstream.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(response.Body, context.RequestAborted);
        }
    }
}
