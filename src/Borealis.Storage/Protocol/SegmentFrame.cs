using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Storage.Protocol;

/// <summary>
/// The part of one atomic batch (one commit) that falls in one protection group: the unit a segment stores,
/// acknowledges and gossips. The writer orders a batch's records by group, so each part is a contiguous LSN range:
/// record i has LSN <c>First + i</c>, and <see cref="Last"/> = <c>First + Records.Count - 1</c>.
/// </summary>
/// <param name="Group">The protection group.</param>
/// <param name="Epoch">The volume epoch the writer held when it wrote the frame (truncations are matched against it).</param>
/// <param name="First">LSN of the first record.</param>
/// <param name="Backlink">The <see cref="Last"/> of the previous frame of the same group (<see cref="Lsn.Zero"/> for the group's first):
/// the chain a segment follows to know it is complete (SCL) and to find holes.</param>
/// <param name="Commit">The batch's consistency point (its last LSN over all groups); ≥ <see cref="Last"/>.</param>
/// <param name="PageCount">The database size in pages once the batch applies.</param>
/// <param name="Records">The page changes, at least one; every page is in <see cref="Group"/>.</param>
public sealed record SegmentFrame(
    uint Group,
    VolumeEpoch Epoch,
    Lsn First,
    Lsn Backlink,
    Lsn Commit,
    uint PageCount,
    ImmutableArray<RedoRecord> Records)
{
    /// <summary>The LSN of the last record.</summary>
    public Lsn Last => new(First.Value + (ulong)Records.Length - 1);
}
