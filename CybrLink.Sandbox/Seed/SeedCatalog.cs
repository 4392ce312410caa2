using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Seed;

/// <summary>
/// The fixed catalog every sandbox starts with. Keys are a contract: CybrLink's Connect UI and tests use them.
/// Each provider has an integration of the same key, an SVG logo and an echo upstream at
/// <c>&lt;base&gt;/_upstream/&lt;name&gt;</c>.
/// </summary>
internal static class SeedCatalog
{
    public const string Mail = "sandbox-mail";
    public const string Crm = "sandbox-crm";
    public const string Helpdesk = "sandbox-helpdesk";

    /// <summary>The OAuth app the seeded <c>sandbox-mail</c> integration is registered with at the mock provider.</summary>
    public const string MailClientId = "sbx-mail-client";
    public const string MailClientSecret = "sbx-mail-secret";

    public static readonly IReadOnlyList<Provider> Providers =
    [
        new(Mail, "Sandbox Mail", AuthModes.OAuth2, ["communication"], ["mail.read", "mail.send"], []),
        new(Crm, "Sandbox CRM", AuthModes.ApiKey, ["crm"], [],
            [new ConfigField("subdomain", "Subdomain", "The subdomain of your Sandbox CRM account, as in https://<subdomain>.crm.example",
                Example: "acme", Pattern: "^[a-z0-9-]+$")],
            new ApiKeyPlacement("X-Api-Key", "${apiKey}", "API Key")),
        // One field of each kind Nango's providers use (prefix, suffix, enum), all optional so existing flows still run.
        new(Helpdesk, "Sandbox Helpdesk", AuthModes.Basic, ["support"], [],
            [
                new ConfigField("host", "Host", "Where your Sandbox Helpdesk is served", Example: "help.acme.example",
                    Pattern: "^[a-z0-9.-]+$", Optional: true, Order: 1, Prefix: "https://"),
                new ConfigField("workspace", "Workspace", "Your workspace name", Example: "acme",
                    Pattern: "^[a-z0-9-]+$", Optional: true, Order: 2, Suffix: ".helpdesk.example"),
                new ConfigField("region", "Region", "The data region of your account", Optional: true, Order: 3,
                    Enum: ["us", "eu", "ap"]),
            ]),
    ];

    public static IEnumerable<Integration> Integrations(DateTimeOffset now)
    {
        yield return new Integration
        {
            UniqueKey = Mail, Provider = Mail, CreatedAt = now, UpdatedAt = now,
            Credentials = new OAuthAppCredentials(AuthModes.OAuth2, MailClientId, MailClientSecret, "mail.read,mail.send", null),
        };
        // Later timestamps keep the list in seed order.
        yield return new Integration { UniqueKey = Crm, Provider = Crm, CreatedAt = now.AddTicks(1), UpdatedAt = now.AddTicks(1) };
        yield return new Integration { UniqueKey = Helpdesk, Provider = Helpdesk, CreatedAt = now.AddTicks(2), UpdatedAt = now.AddTicks(2) };
    }
}
