using CybrLink.Core.ConnectSessions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

/// <summary>The one place a connect session's link is built: <c>Connect:PublicUrl</c>, or the URL the API was called on.</summary>
public static class ConnectLinks
{
    public static string Url(ConnectOptions options, HttpContext http, string token)
    {
        var baseUrl = string.IsNullOrWhiteSpace(options.PublicUrl)
            ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            : options.PublicUrl.TrimEnd('/');
        return $"{baseUrl}/connect?session={Uri.EscapeDataString(token)}";
    }

    public static string Url(HttpContext http, string token) =>
        Url(http.RequestServices.GetRequiredService<IOptions<ConnectOptions>>().Value, http, token);
}
