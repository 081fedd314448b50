using System.Collections.Immutable;
using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>A storage node's reply to one <see cref="StorageRequest"/>.</summary>
public abstract record StorageResponse;

/// <summary>The request was refused or failed.</summary>
/// <param name="Status">Why.</param>
/// <param name="Message">For logs and operators.</param>
/// <param name="NodeEpoch">The epoch of the node's map (lets a fenced writer report who fenced it).</param>
public sealed record ErrorResponse(StorageStatus Status, string Message, VolumeEpoch NodeEpoch) : StorageResponse;

/// <summary>Done (<see cref="SetMapRequest"/>).</summary>
public sealed record OkResponse : StorageResponse;

/// <summary>The frames of an <see cref="AppendRequest"/> are durable; each segment's SCL after them.</summary>
public sealed record AppendResponse(IReadOnlyList<SegmentProgress> Segments) : StorageResponse;

/// <summary>A segment's complete LSN: it holds every record of its group up to here.</summary>
public readonly record struct SegmentProgress(uint Group, Lsn Scl);

/// <summary>A page image.</summary>
/// <param name="Version">The LSN of the last record applied (<see cref="Lsn.Zero"/>: never written; the image is zeros).</param>
/// <param name="Image">Exactly one page.</param>
public sealed record PageResponse(Lsn Version, ReadOnlyMemory<byte> Image) : StorageResponse;

/// <summary>A segment's frames (see <see cref="ReadLogRequest"/>).</summary>
/// <param name="Group">The group.</param>
/// <param name="Scl">The segment's complete LSN.</param>
/// <param name="TailAtOrBelowAfter">The <c>Last</c> of the newest stored frame at or below the request's <c>After</c>
/// (<see cref="Lsn.Zero"/> when none is known): the backlink a new frame continuing from there would carry.</param>
/// <param name="LogStart">The segment keeps frames only above this LSN (older ones were coalesced into images):
/// a requester whose <c>After</c> is below it must hydrate with <see cref="ReadImagesRequest"/>.</param>
/// <param name="KnownDurable">The highest writer VDL this node was told (piggybacked on appends).</param>
/// <param name="PageCountAtKnownDurable">The page count at <paramref name="KnownDurable"/>.</param>
/// <param name="Frames">Stored, non-void frames with <c>Last</c> above the request's <c>After</c>, in LSN order.</param>
/// <param name="More">True when the answer was cut at the byte limit.</param>
public sealed record ReadLogResponse(
    uint Group, Lsn Scl, Lsn TailAtOrBelowAfter, Lsn LogStart, Lsn KnownDurable, uint PageCountAtKnownDurable,
    IReadOnlyList<SegmentFrame> Frames, bool More) : StorageResponse;

/// <summary>One page image of a segment (<see cref="ReadImagesResponse"/>).</summary>
public sealed record PageImage(PageId Page, Lsn Version, ReadOnlyMemory<byte> Image);

/// <summary>Page images of a segment at one LSN (see <see cref="ReadImagesRequest"/>).</summary>
/// <param name="Group">The group.</param>
/// <param name="AsOf">The LSN every image is at: a chain position of the group (the <c>Last</c> of one of its frames).</param>
/// <param name="Images">Pages in increasing order.</param>
/// <param name="NextPage">Where to continue; <c>PageId(0)</c> when there are no more pages.</param>
public sealed record ReadImagesResponse(uint Group, Lsn AsOf, IReadOnlyList<PageImage> Images, PageId NextPage) : StorageResponse;

/// <summary>The node's map, or null when it has none yet (a fresh node).</summary>
public sealed record MapResponse(VolumeMap? Map) : StorageResponse;

/// <summary>The state of one segment (<see cref="NodeStatusResponse"/>).</summary>
/// <param name="Group">The group.</param>
/// <param name="Scl">Segment complete LSN.</param>
/// <param name="MaxLsn">The highest LSN stored (above <paramref name="Scl"/> when there are holes).</param>
/// <param name="LogStart">Frames are kept above this LSN.</param>
/// <param name="Bytes">Bytes on disk.</param>
/// <param name="State">"healthy", "hydrating" or "repairing".</param>
public sealed record SegmentStatus(uint Group, Lsn Scl, Lsn MaxLsn, Lsn LogStart, long Bytes, string State);

/// <summary>A node's identity, map and segments.</summary>
public sealed record NodeStatusResponse(
    NodeId Node, string Zone, long MapVersion, VolumeEpoch Epoch, ImmutableArray<SegmentStatus> Segments) : StorageResponse;

/// <summary>A node's queue and fsync latency (<see cref="GetNodeStatsRequest"/>).</summary>
/// <param name="Node">The node.</param>
/// <param name="QueuedRequests">Requests the node has received (decoded and handed to its loop) that its loop has not
/// handled yet, behind this one.</param>
/// <param name="AwaitingFsync">Appends the loop has handled whose answers wait for the next group fsync.</param>
/// <param name="Fsyncs">The node's fsyncs since it started.</param>
public sealed record NodeStatsResponse(NodeId Node, uint QueuedRequests, uint AwaitingFsync, FsyncStats Fsyncs) : StorageResponse
{
    /// <summary>Requests received and not answered yet: <see cref="QueuedRequests"/> + <see cref="AwaitingFsync"/>.</summary>
    public uint QueueDepth => QueuedRequests + AwaitingFsync;
}

/// <summary>
/// A node's fsyncs (every file and directory sync it makes: segment logs at group commit, checkpoints, maps), since
/// it started and over the most recent ones.
/// </summary>
/// <param name="Count">Fsyncs since the node started.</param>
/// <param name="TotalNanoseconds">Time spent in them.</param>
/// <param name="RecentCount">How many of the most recent ones the quantiles cover (at most 1024).</param>
/// <param name="RecentP50Nanoseconds">Median of the recent ones.</param>
/// <param name="RecentP99Nanoseconds">99th percentile of the recent ones.</param>
/// <param name="RecentMaxNanoseconds">Slowest of the recent ones.</param>
public readonly record struct FsyncStats(
    ulong Count, ulong TotalNanoseconds, uint RecentCount, ulong RecentP50Nanoseconds, ulong RecentP99Nanoseconds, ulong RecentMaxNanoseconds);
