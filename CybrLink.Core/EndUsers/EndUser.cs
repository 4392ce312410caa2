namespace CybrLink.Core.EndUsers;

/// <summary>A user of the operator's product, known by the operator's own id.</summary>
public sealed class EndUser
{
    public const int MaxIdLength = 255;

    public required string Id { get; set; }
    public string? Email { get; set; }
    public string? DisplayName { get; set; }
    public string? OrganizationId { get; set; }
    public string? OrganizationName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
