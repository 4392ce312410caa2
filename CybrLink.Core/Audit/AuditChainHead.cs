namespace CybrLink.Core.Audit;

/// <summary>
/// The one row (<see cref="RowId"/>) that says where the audit chain ends and where verification starts. Writers
/// update it first in their transaction, which makes it the chain's lock on SQLite and PostgreSQL alike.
/// </summary>
public sealed class AuditChainHead
{
    public const int RowId = 1;

    /// <summary>The previous hash of the first event ever written.</summary>
    public static readonly string GenesisHash = new('0', 64);

    public int Id { get; set; }

    /// <summary>The sequence of the newest event (0 when there is none).</summary>
    public long LastSequence { get; set; }

    /// <summary>The hash of the newest event (<see cref="GenesisHash"/> when there is none).</summary>
    public required string LastHash { get; set; }

    /// <summary>The first event verification starts at (1 until retention deletes older events).</summary>
    public long AnchorSequence { get; set; }

    /// <summary>The previous hash the anchor event must carry (<see cref="GenesisHash"/> for event 1).</summary>
    public required string AnchorPreviousHash { get; set; }
}
