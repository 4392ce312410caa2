using System.ComponentModel.DataAnnotations;
using CybrLink.Core.Configuration;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.Nango;

/// <summary>How CybrLink reaches its Nango (section <c>Nango</c>).</summary>
public sealed class NangoOptions
{
    public const string SectionName = "Nango";

    /// <summary>Nango's public API base URL, e.g. <c>http://localhost:3003</c>.</summary>
    [Required(ErrorMessage = "Nango:BaseUrl is required: set it to your Nango server's URL (e.g. http://localhost:3003).")]
    [HttpUrl(ErrorMessage = "Nango:BaseUrl must be an absolute http(s) URL, e.g. http://localhost:3003.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>The environment's secret key (a UUIDv4). Never logged.</summary>
    [Required(ErrorMessage = "Nango:SecretKey is required: set it to the secret key of your Nango environment.")]
    public string SecretKey { get; set; } = "";

    /// <summary>The environment's webhook signing key, to verify <c>X-Nango-Hmac-Sha256</c>.</summary>
    [Required(ErrorMessage = "Nango:WebhookSigningKey is required: set it to the webhook signing key of your Nango environment.")]
    public string WebhookSigningKey { get; set; } = "";

    /// <summary>Upper bound for one API call to Nango, retries included.</summary>
    [Range(1, 300, ErrorMessage = "Nango:TimeoutSeconds must be between 1 and 300.")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>First back-off before retrying a safe call (doubles, with jitter; 3 retries at most).</summary>
    [Range(0, 60000, ErrorMessage = "Nango:RetryDelayMilliseconds must be between 0 and 60000.")]
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Upper bound for one proxied call (no retries: a proxied request may not be repeatable).</summary>
    [Range(1, 600, ErrorMessage = "Nango:ProxyTimeoutSeconds must be between 1 and 600.")]
    public int ProxyTimeoutSeconds { get; set; } = 100;

    /// <summary>Nango's URL as end users' browsers reach it (Connect UI popups, API-key forms); empty = <see cref="BaseUrl"/>.</summary>
    [HttpUrl(ErrorMessage = "Nango:PublicUrl must be empty or an absolute http(s) URL, e.g. https://nango.example.com.")]
    public string? PublicUrl { get; set; }

    /// <summary>Nango's WebSocket path (<c>NANGO_SERVER_WEBSOCKETS_PATH</c>), relative to <see cref="PublicUrl"/>.</summary>
    [RegularExpression(@"^/[^\s?#]*$", ErrorMessage = "Nango:WebSocketPath must be a path starting with '/', e.g. /.")]
    public string WebSocketPath { get; set; } = "/";

    /// <summary>How often to reconcile connections with Nango's list.</summary>
    [Range(5, 86400, ErrorMessage = "Nango:ReconcileSeconds must be between 5 and 86400.")]
    public int ReconcileSeconds { get; set; } = 60;

    /// <summary>Run the periodic catalog refresh and reconciliation in this process (tests turn it off).</summary>
    public bool BackgroundSync { get; set; } = true;

    /// <summary>The browser-facing base URL, without a trailing slash.</summary>
    public string BrowserBaseUrl => (string.IsNullOrWhiteSpace(PublicUrl) ? BaseUrl : PublicUrl).TrimEnd('/');

    /// <summary>The browser-facing WebSocket URL: ws(s) + the public URL's path + <see cref="WebSocketPath"/>.</summary>
    public string BrowserWebSocketUrl
    {
        get
        {
            var http = new Uri(BrowserBaseUrl + "/");
            var ws = new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws" };
            ws.Path = http.AbsolutePath.TrimEnd('/') + "/" + WebSocketPath.TrimStart('/');
            return ws.Uri.ToString();
        }
    }

    /// <summary>The browser-facing origin (scheme, host, port), for the Connect UI's Content-Security-Policy.</summary>
    public string BrowserOrigin => new Uri(BrowserBaseUrl).GetLeftPart(UriPartial.Authority);

    internal Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/");
}

/// <summary>Checks <see cref="NangoOptions"/> at start; every message names the key it is about.</summary>
[OptionsValidator]
public sealed partial class NangoOptionsValidator : IValidateOptions<NangoOptions>
{
}
