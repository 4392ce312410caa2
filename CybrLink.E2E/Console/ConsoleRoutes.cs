using System.Text.RegularExpressions;

namespace CybrLink.E2E.Console;

/// <summary>A console page: where it is, its h1, and whether it runs on the circuit (static forms do not).</summary>
public sealed record ConsoleRoute(string Path, string Heading, bool Interactive = true)
{
    public override string ToString() => Path;
}

/// <summary>
/// The console's pages in one place, for the tests that walk all of them (Viewer read-only, axe in light and dark).
/// Add a page here when it is built.
/// </summary>
public static partial class ConsoleRoutes
{
    /// <summary>Pages behind sign-in; every operator (Admin or Viewer) may open each one.</summary>
    public static readonly IReadOnlyList<ConsoleRoute> SignedIn =
    [
        new("/", "Overview"),
        new("/connections", "Connections"),
        new("/connect-sessions", "Connect sessions"),
        new("/end-users", "End users"),
        new("/agents", "Agents"),
        new("/agent-calls", "Agent calls"),
        new("/audit", "Audit log"),
        new("/catalog", "Catalog"),
        new("/server-keys", "Server keys"),
        new("/operators", "Operators"),
        new("/account", "My account", Interactive: false),
    ];

    /// <summary>Pages for nobody signed in (setup exists only while there is no operator).</summary>
    public static readonly IReadOnlyList<ConsoleRoute> Public =
    [
        new("/account/login", "Sign in", Interactive: false),
        new("/no-such-page", "Not found", Interactive: false),
        new("/account/access-denied", "Access denied", Interactive: false),
    ];

    /// <summary>
    /// The accessible names of controls that change something. A Viewer must be offered none of them (their own
    /// password, on My account, is theirs to change: "Change password" is not in this list; the overview's "Refresh"
    /// only reads its numbers again).
    /// </summary>
    public static readonly IReadOnlyList<string> MutatingVerbs =
    [
        "Create", "New", "Save", "Revoke", "Delete", "Disable", "Enable", "Rotate", "Offboard", "Cancel session", "Edit",
        "Make", "Reset", "Refresh from Nango", "Retry", "Offer", "Import", "Restore",
    ];

    /// <summary>Switches and check boxes that change only the view (filters, the live tail), which a Viewer may use.</summary>
    public static readonly IReadOnlyList<string> ViewToggles = ["Live tail", "Only with an error"];

    public static Regex MutatingControl { get; } = new($"^({string.Join('|', MutatingVerbs.Select(Regex.Escape))})\\b");
}
