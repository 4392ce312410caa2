using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Sandbox;

/// <summary>Settings of the Nango emulator (section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions : IValidatableObject
{
    public const string SectionName = "Sandbox";

    /// <summary>Map the emulator into CybrLink.Web. Unset = on in Development only; refused in Production.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Path prefix the emulator is mapped under inside CybrLink.Web.</summary>
    [RegularExpression("^/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$", ErrorMessage = "Sandbox:BasePath must be a path such as /sandbox/nango (a leading '/', no trailing '/').")]
    public string BasePath { get; set; } = "/sandbox/nango";

    /// <summary>The emulator's secret key (a UUIDv4, as Nango's). Empty = a fresh one per process.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Key that signs the emulator's webhooks. Empty = a fresh one per process.</summary>
    public string WebhookSigningKey { get; set; } = "";

    /// <summary>Where the emulator POSTs its <c>auth</c> webhooks; empty = none sent.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>First wait before a webhook retry; doubled for the next one (Nango: 3 s, then 6 s).</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Timeout of one webhook attempt (Nango: <c>NANGO_WEBHOOK_TIMEOUT_MS</c> = 20 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Origin + path of a Connect UI used to build <c>connect_link</c> (Nango's <c>NANGO_PUBLIC_CONNECT_URL</c>).
    /// Empty = the sandbox base URL, which only answers with a short text page.
    /// </summary>
    public string? ConnectUiUrl { get; set; }

    /// <summary>
    /// Nango's <c>DEFAULT_RATE_LIMIT_PER_MIN</c>: secret-key API calls (including <c>/proxy</c>) allowed per minute;
    /// 0 = no limit (Nango's <c>FLAG_API_RATE_LIMIT_ENABLED=false</c>). Tests can change it at run time.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "Sandbox:RateLimitPerMinute must be 0 (no limit) or more.")]
    public int RateLimitPerMinute { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEmptyOrHttpUrl(WebhookUrl))
        {
            yield return new ValidationResult("Sandbox:WebhookUrl must be empty or an absolute http(s) URL.", [nameof(WebhookUrl)]);
        }

        if (!IsEmptyOrHttpUrl(ConnectUiUrl))
        {
            yield return new ValidationResult("Sandbox:ConnectUiUrl must be empty or an absolute http(s) URL.", [nameof(ConnectUiUrl)]);
        }

        if (WebhookRetryDelay < TimeSpan.Zero || WebhookTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                "Sandbox:WebhookRetryDelay must not be negative and Sandbox:WebhookTimeout must be positive.", [nameof(WebhookTimeout)]);
        }
    }

    private static bool IsEmptyOrHttpUrl(string? value) =>
        string.IsNullOrWhiteSpace(value)
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0);
}

/// <summary>Checks <see cref="SandboxOptions"/> at start; every message names the key it is about.</summary>
[OptionsValidator]
public sealed partial class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
}
