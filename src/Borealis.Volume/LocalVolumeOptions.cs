using Microsoft.Extensions.Logging;

namespace Borealis.Volume;

/// <summary>Settings of a <see cref="LocalVolume"/>. The defaults suit a development or single-node database.</summary>
public sealed class LocalVolumeOptions
{
    /// <summary>Bytes per page. Fixed when the volume is created; opening it with another size fails.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>A log segment file is closed and a new one started once it holds this many bytes.</summary>
    public long SegmentBytes { get; init; } = 16L << 20;

    /// <summary>
    /// When the log on disk exceeds this many bytes, a background checkpoint writes page images and deletes the
    /// log segments below it. A checkpoint never passes the read horizon (<see cref="IVolume.SetReadHorizon"/>).
    /// Past four times this size, commits wait for the checkpoint (backpressure), unless the read horizon holds it back.
    /// </summary>
    public long CheckpointThresholdBytes { get; init; } = 64L << 20;

    /// <summary>Bytes of recent redo kept in memory for reads; older redo is read back from the log.</summary>
    public long MaxMemoryRedoBytes { get; init; } = 64L << 20;

    /// <summary>Pages whose latest materialised image is kept, so that a page with a long redo chain is not rebuilt on every read.</summary>
    public int MaxCachedImages { get; init; } = 1024;

    /// <summary>Creates the volume when the directory holds none; when false, a missing volume is an error.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Where recovery, checkpoint and failure events go; none when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Test seam: called before every disk mutation; throwing from it simulates a failed write or fsync.</summary>
    internal Action<LocalVolumeFaultPoint>? FaultInjector { get; init; }

    internal void Validate()
    {
        if (PageSize < 512 || PageSize > 65536 || (PageSize & (PageSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "The page size is a power of two from 512 to 65536.");
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 4096, nameof(SegmentBytes));
        // Recovery reads a segment into one array.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SegmentBytes, 1L << 30, nameof(SegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointThresholdBytes, 4096, nameof(CheckpointThresholdBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMemoryRedoBytes, nameof(MaxMemoryRedoBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCachedImages, nameof(MaxCachedImages));
    }
}
