namespace CybrLink.Sandbox.Infrastructure;

/// <summary>
/// Every absolute URL the sandbox emits comes from the incoming request, so the same code works mounted at
/// <c>/sandbox/nango</c> inside CybrLink.Web and standalone at the root of its own Kestrel.
/// </summary>
internal static class SandboxUrls
{
    public static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static string Logo(HttpRequest request, string provider) => $"{Base(request)}/images/template-logos/{provider}.svg";

    public static string OAuthCallback(HttpRequest request) => $"{Base(request)}/oauth/callback";

    public static string ProviderAuthorize(HttpRequest request, string provider) => $"{Base(request)}/_provider/{provider}/authorize";

    public static string ProviderToken(HttpRequest request, string provider) => $"{Base(request)}/_provider/{provider}/token";

    public static string Upstream(HttpRequest request, string provider) => $"{Base(request)}/_upstream/{provider}";
}
