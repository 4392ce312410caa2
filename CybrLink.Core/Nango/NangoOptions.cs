using System.ComponentModel.DataAnnotations;

namespace CybrLink.Core.Nango;

/// <summary>How CybrLink reaches its Nango (section <c>Nango</c>).</summary>
public sealed class NangoOptions
{
    public const string SectionName = "Nango";

    /// <summary>Nango's public API base URL, e.g. <c>http://localhost:3003</c>.</summary>
    [Required(ErrorMessage = "Nango:BaseUrl is required: set it to your Nango server's URL (e.g. http://localhost:3003).")]
    [Url(ErrorMessage = "Nango:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>The environment's secret key (a UUIDv4). Never logged.</summary>
    [Required(ErrorMessage = "Nango:SecretKey is required: set it to the secret key of your Nango environment.")]
    public string SecretKey { get; set; } = "";

    /// <summary>The environment's webhook signing key, to verify <c>X-Nango-Hmac-Sha256</c>.</summary>
    [Required(ErrorMessage = "Nango:WebhookSigningKey is required: set it to the webhook signing key of your Nango environment.")]
    public string WebhookSigningKey { get; set; } = "";

    /// <summary>Upper bound for one API call to Nango, retries included.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Upper bound for one proxied call (no retries: the agent's request may not be repeatable).</summary>
    [Range(1, 600)]
    public int ProxyTimeoutSeconds { get; set; } = 100;

    internal Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/");
}
