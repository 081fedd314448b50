using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Segments;

/// <summary>A segment copying page images from a peer: the images go to a temp checkpoint file until the last one.</summary>
internal sealed class Hydration(StorageNodeInfo peer, CheckpointWriter writer)
{
    public StorageNodeInfo Peer { get; } = peer;

    public CheckpointWriter Writer { get; } = writer;

    /// <summary>The LSN the images are at; <see cref="Lsn.Zero"/> until the peer's first answer chooses it.</summary>
    public Lsn AsOf { get; set; }

    public PageId NextPage { get; set; } = new(1);
}
