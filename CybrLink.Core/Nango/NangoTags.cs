namespace CybrLink.Core.Nango;

/// <summary>
/// The tags CybrLink puts on the Nango connect sessions it creates; Nango copies them onto the connection, its
/// webhooks and its list filters. They are how a Nango connection is tied back to CybrLink's session and end user.
/// </summary>
public static class NangoTags
{
    public const string EndUserId = "end_user_id";
    public const string OrganizationId = "organization_id";

    /// <summary>The tag that ties a Nango connection to the CybrLink session that created it.</summary>
    public const string SessionId = "cybrlink_session_id";

    /// <summary>The CybrLink session id in a connection's tags, if it carries a well-formed one.</summary>
    public static Guid? SessionIdOf(IReadOnlyDictionary<string, string>? tags) =>
        tags is not null && tags.TryGetValue(SessionId, out var raw) && Guid.TryParse(raw, out var id) ? id : null;
}
