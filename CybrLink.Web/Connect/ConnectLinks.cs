using CybrLink.Core.ConnectSessions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

/// <summary>The one place a connect session's link is built: <c>Connect:PublicUrl</c>, or the URL the API was called on.</summary>
public static class ConnectLinks
{
    public static string Url(ConnectOptions options, HttpContext http, string token) =>
        Url(options, RequestBase(http), token);

    /// <summary>For a link made outside the request (an MCP session): the base URL the session was opened on.</summary>
    public static string Url(ConnectOptions options, string requestBase, string token)
    {
        var baseUrl = string.IsNullOrWhiteSpace(options.PublicUrl) ? requestBase : options.PublicUrl.TrimEnd('/');
        return $"{baseUrl}/connect?session={Uri.EscapeDataString(token)}";
    }

    public static string RequestBase(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    public static string Url(HttpContext http, string token) =>
        Url(http.RequestServices.GetRequiredService<IOptions<ConnectOptions>>().Value, http, token);
}
