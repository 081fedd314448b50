using Borealis.Common;

namespace Borealis.Volume.Quorum;

/// <summary>The result of <see cref="QuorumVolumeCore.StartRead"/>: a page image, or the failure that stopped it.</summary>
/// <param name="Version">The LSN of the version read (<see cref="Lsn.Zero"/>: never written).</param>
/// <param name="Image">The page (valid only during the completion callback unless copied).</param>
/// <param name="Failure">Set when no segment could serve the read.</param>
public readonly record struct PageReadOutcome(Lsn Version, ReadOnlyMemory<byte> Image, VolumeException? Failure);
