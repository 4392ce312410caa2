namespace CybrLink.Core.EndUsers;

/// <summary>A user of the operator's product, known by the operator's own id.</summary>
public sealed class EndUser
{
    public const int MaxIdLength = 255;

    private string _id = "";
    private string? _email;
    private string? _displayName;

    public required string Id
    {
        get => _id;
        set
        {
            _id = value;
            SearchId = Normalize(value);
        }
    }

    public string? Email
    {
        get => _email;
        set
        {
            _email = value;
            SearchEmail = Normalize(value);
        }
    }

    public string? DisplayName
    {
        get => _displayName;
        set
        {
            _displayName = value;
            SearchName = Normalize(value);
        }
    }

    public string? OrganizationId { get; set; }
    public string? OrganizationName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // The id, email and name in lower case, kept in step by the setters above, so a case-insensitive prefix search is
    // an index range scan on both providers (see EndUserSearch).
    public string? SearchId { get; private set; }
    public string? SearchEmail { get; private set; }
    public string? SearchName { get; private set; }

    /// <summary>How search text and the search columns are compared: trimmed, lower case (invariant).</summary>
    public static string? Normalize(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().ToLowerInvariant();
}
