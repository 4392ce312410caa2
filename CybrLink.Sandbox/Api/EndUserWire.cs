using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

internal sealed record ApiEndUser(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("display_name")] string? DisplayName,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string>? Tags,
    [property: JsonPropertyName("organization")] ApiOrganization? Organization)
{
    public static ApiEndUser? From(EndUser? user) => user is null
        ? null
        : new(user.Id, user.DisplayName, user.Email, user.Tags,
            user.Organization is { } o ? new ApiOrganization(o.Id, o.DisplayName) : null);
}

internal sealed record ApiOrganization(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("display_name")] string? DisplayName);

/// <summary>Reads <c>end_user</c>, <c>organization</c> and <c>tags</c>, and merges tags the way Nango does.</summary>
internal static class EndUserReader
{
    public static (EndUser? EndUser, Dictionary<string, string>? Tags) Read(Strict v, JsonObject? body)
    {
        string[] userPath = ["end_user"];
        var userObj = v.Object(body?["end_user"], userPath, required: false, "id", "email", "display_name", "tags");
        EndUser? user = null;
        if (userObj is not null)
        {
            var id = v.String(userObj, "id", userPath, required: true, min: 1, max: 255);
            var email = v.String(userObj, "email", userPath, required: false, min: 5, max: 255, Strict.EmailRegex(), "Invalid email");
            var displayName = v.String(userObj, "display_name", userPath, required: false, max: 255);
            var userTags = v.Tags(userObj, "tags", userPath);
            user = new EndUser(id ?? "", email, displayName, userTags, null);
        }

        string[] orgPath = ["organization"];
        var orgObj = v.Object(body?["organization"], orgPath, required: false, "id", "display_name");
        if (orgObj is not null)
        {
            var orgId = v.String(orgObj, "id", orgPath, required: true, max: 255);
            var orgName = v.String(orgObj, "display_name", orgPath, required: false, max: 255);
            if (user is not null)
                user = user with { Organization = new Organization(orgId ?? "", orgName) };
        }

        return (user, v.Tags(body, "tags", []));
    }

    /// <summary>
    /// Nango's <c>buildTagsFromEndUser</c>: tags generated from the end user and organization, then the end user's
    /// own tags, then the explicit tags on top. Keys are lower-cased.
    /// </summary>
    public static Dictionary<string, string> MergeTags(EndUser? user, IReadOnlyDictionary<string, string>? explicitTags)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (user is not null)
        {
            tags["end_user_id"] = user.Id;
            if (user.Email is not null)
                tags["end_user_email"] = user.Email;
            if (user.DisplayName is not null)
                tags["end_user_display_name"] = user.DisplayName;
            if (user.Organization is { } org)
            {
                tags["organization_id"] = org.Id;
                if (org.DisplayName is not null)
                    tags["organization_display_name"] = org.DisplayName;
            }
            foreach (var (k, val) in user.Tags ?? new Dictionary<string, string>())
                tags[k.ToLowerInvariant()] = val;
        }
        foreach (var (k, val) in explicitTags ?? new Dictionary<string, string>())
            tags[k.ToLowerInvariant()] = val;
        return tags;
    }
}
