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
    /// <summary><c>Sandbox:Enabled</c>, or on in Development when it is unset.</summary>
    public static bool IsSandboxEnabled(this IHostApplicationBuilder builder) =>
        (builder.Configuration.GetSection(SandboxOptions.SectionName).Get<SandboxOptions>()?.Enabled)
            ?? builder.Environment.IsDevelopment();

    /// <summary>True when <see cref="AddSandboxIfEnabled"/> registered the sandbox, so the pipeline maps it.</summary>
    public static bool IsSandboxMounted(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<SandboxOptions>>().Value.Enabled == true;

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

        builder.Services.AddNangoSandbox(builder.Configuration);
        // The demo's sandbox reports connections to this process's own webhook receiver, as a real Nango would.
        builder.Services.AddOptions<SandboxOptions>().PostConfigure<IOptions<HostingOptions>>((s, hosting) =>
        {
            s.Enabled = true;
            if (string.IsNullOrWhiteSpace(s.WebhookUrl))
            {
                s.WebhookUrl = hosting.Value.SiteOrigin + "/api/v1/webhooks/nango";
            }
        });
        builder.Services.AddOptions<NangoOptions>().PostConfigure<IOptions<SandboxOptions>, IOptions<HostingOptions>>((nango, sandbox, hosting) =>
        {
            var s = sandbox.Value;
            if (string.IsNullOrWhiteSpace(nango.BaseUrl))
            {
                nango.BaseUrl = hosting.Value.SiteOrigin + s.BasePath;
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
}
