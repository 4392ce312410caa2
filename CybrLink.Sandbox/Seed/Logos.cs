namespace CybrLink.Sandbox.Seed;

/// <summary>Original, simple SVG logos served at <c>&lt;base&gt;/images/template-logos/&lt;name&gt;.svg</c>.</summary>
internal static class Logos
{
    private static readonly Dictionary<string, string> Svgs = new(StringComparer.Ordinal)
    {
        [SeedCatalog.Mail] = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Sandbox Mail"><rect width="64" height="64" rx="14" fill="#2563eb"/><rect x="12" y="18" width="40" height="28" rx="4" fill="#fff"/><path d="M13 20l19 15 19-15" fill="none" stroke="#2563eb" stroke-width="4" stroke-linejoin="round"/></svg>
            """,
        [SeedCatalog.Crm] = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Sandbox CRM"><rect width="64" height="64" rx="14" fill="#059669"/><circle cx="32" cy="24" r="9" fill="#fff"/><path d="M14 50c2-10 9-15 18-15s16 5 18 15z" fill="#fff"/></svg>
            """,
        [SeedCatalog.Helpdesk] = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Sandbox Helpdesk"><rect width="64" height="64" rx="14" fill="#d97706"/><circle cx="32" cy="32" r="18" fill="none" stroke="#fff" stroke-width="6"/><circle cx="32" cy="32" r="7" fill="#fff"/></svg>
            """,
    };

    public static string? Find(string name) => Svgs.GetValueOrDefault(name);
}
