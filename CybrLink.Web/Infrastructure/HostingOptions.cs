namespace CybrLink.Web.Infrastructure;

/// <summary>The addresses this process listens on: the root <c>urls</c> key (also <c>ASPNETCORE_URLS</c>).</summary>
public sealed class HostingOptions
{
    /// <summary>Bound from the configuration root, not from a section.</summary>
    public const string SectionName = "";

    /// <summary>Semicolon-separated URLs, e.g. <c>http://localhost:5080</c>.</summary>
    public string? Urls { get; set; }

    /// <summary>The origin this process serves on, from the first URL (wildcard hosts become localhost).</summary>
    public string SiteOrigin
    {
        get
        {
            var first = (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault() ?? "http://localhost:5080";
            var normalized = first.Replace("://*", "://localhost").Replace("://+", "://localhost")
                .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
            return Uri.TryCreate(normalized, UriKind.Absolute, out var uri)
                ? uri.GetLeftPart(UriPartial.Authority)
                : "http://localhost:5080";
        }
    }
}
