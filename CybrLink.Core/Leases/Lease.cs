namespace CybrLink.Core.Leases;

/// <summary>A named, time-limited lock row, so one CybrLink instance at a time runs a periodic job.</summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
