namespace CybrLink.Core.ConnectSessions;

/// <summary>The hosted Connect UI (section <c>Connect</c>).</summary>
public sealed class ConnectOptions
{
    public const string SectionName = "Connect";

    /// <summary>Origins (<c>https://app.example.com</c>) a session's <c>return_url</c> may point to.</summary>
    public List<string> AllowedReturnOrigins { get; set; } = [];

    /// <summary>Origins allowed to frame the Connect UI (CSP <c>frame-ancestors</c>); none = not frameable.</summary>
    public List<string> FrameAncestors { get; set; } = [];

    /// <summary>CybrLink's public URL for <c>connect_url</c>; empty = the URL the API was called on.</summary>
    public string? PublicUrl { get; set; }
}
