namespace CybrLink.Sandbox;

/// <summary>Settings of the Nango emulator (section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>Map the emulator into CybrLink.Web. Defaults to true in Development; refused in Production.</summary>
    public bool Enabled { get; set; }

    /// <summary>Path prefix the emulator is mapped under inside CybrLink.Web.</summary>
    public string BasePath { get; set; } = "/sandbox/nango";

    /// <summary>The emulator's secret key (a UUIDv4, as Nango's). Empty = a fresh one per process.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Key that signs the emulator's webhooks. Empty = a fresh one per process.</summary>
    public string WebhookSigningKey { get; set; } = "";

    /// <summary>Where the emulator POSTs its <c>auth</c> webhooks; empty = none sent.</summary>
    public string? WebhookUrl { get; set; }
}
