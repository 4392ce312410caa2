using CybrLink.Core.Nango;
using CybrLink.Sandbox;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>
/// Hosts the Nango sandbox inside CybrLink.Web (the one-command demo). On by default in Development, refused in
/// Production. When on, unset Nango settings default to the sandbox's.
/// </summary>
public static class SandboxHosting
{
    public static bool IsSandboxEnabled(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue("Sandbox:Enabled", builder.Environment.IsDevelopment());

    public static IHostApplicationBuilder AddSandboxIfEnabled(this IHostApplicationBuilder builder)
    {
        if (!builder.IsSandboxEnabled())
        {
            return builder;
        }

        if (builder.Environment.IsProduction())
        {
            throw new ConfigurationProblemException(
                "Sandbox:Enabled=true is refused in Production: the sandbox is a test double of Nango, not a token store.");
        }

        builder.Configuration["Sandbox:Enabled"] = "true";
        builder.Services.AddNangoSandbox(builder.Configuration);
        var siteOrigin = SiteOrigin(builder.Configuration["urls"]);
        // The demo's sandbox reports connections to this process's own webhook receiver, as a real Nango would.
        builder.Services.PostConfigure<SandboxOptions>(s =>
        {
            if (string.IsNullOrWhiteSpace(s.WebhookUrl))
            {
                s.WebhookUrl = siteOrigin + "/api/v1/webhooks/nango";
            }
        });
        builder.Services.AddOptions<NangoOptions>().PostConfigure<IOptions<SandboxOptions>>((nango, sandbox) =>
        {
            var s = sandbox.Value;
            if (string.IsNullOrWhiteSpace(nango.BaseUrl))
            {
                nango.BaseUrl = siteOrigin + s.BasePath;
            }

            if (string.IsNullOrWhiteSpace(nango.SecretKey))
            {
                nango.SecretKey = s.SecretKey;
            }

            if (string.IsNullOrWhiteSpace(nango.WebhookSigningKey))
            {
                nango.WebhookSigningKey = s.WebhookSigningKey;
            }
        });
        return builder;
    }

    /// <summary>The origin this process serves on, from the first configured URL (wildcard hosts become localhost).</summary>
    internal static string SiteOrigin(string? urls)
    {
        var first = (urls ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? "http://localhost:5080";
        var normalized = first.Replace("://*", "://localhost").Replace("://+", "://localhost").Replace("://0.0.0.0", "://localhost")
            .Replace("://[::]", "://localhost");
        return new Uri(normalized).GetLeftPart(UriPartial.Authority);
    }
}
