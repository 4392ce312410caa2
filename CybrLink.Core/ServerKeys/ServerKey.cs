namespace CybrLink.Core.ServerKeys;

/// <summary>An API key the operator's backend uses (<c>Authorization: Bearer cbl_...</c>). Only its hash is stored.</summary>
public sealed class ServerKey
{
    public const string TokenPrefix = "cbl_";

    /// <summary>Characters of the token kept in clear to tell keys apart in lists (prefix + 8 of the secret).</summary>
    public const int DisplayPrefixLength = 12;

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string DisplayPrefix { get; set; }
    public required string SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? CreatedBy { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}
