using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>
/// Written by a recovering writer together with its new volume epoch: every frame written in an epoch below
/// <see cref="Epoch"/> with an LSN above <see cref="Above"/> is void (it was never acknowledged) and is dropped.
/// Epoch-versioned, so a later truncation is told from an older one and frames of the new epoch are never hit.
/// </summary>
public sealed record Truncation(VolumeEpoch Epoch, Lsn Above)
{
    /// <summary>Whether this truncation voids a record at <paramref name="lsn"/> written in <paramref name="frameEpoch"/>.</summary>
    public bool Voids(VolumeEpoch frameEpoch, Lsn lsn) => frameEpoch < Epoch && lsn > Above;
}
