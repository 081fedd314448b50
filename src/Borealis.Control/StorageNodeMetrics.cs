namespace Borealis.Control;

/// <summary>
/// What a storage node reports for <c>/metrics</c>, asked over the storage protocol at each scrape
/// (<see cref="IInstanceProcesses.StorageNodeMetricsAsync"/>).
/// </summary>
/// <param name="Id">The node's id.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="Segments">Each segment it holds and the segment's complete LSN (SCL); empty when the node did not answer its status.</param>
/// <param name="Load">Its queue and fsync latency; null when it did not answer them.</param>
public sealed record StorageNodeMetrics(int Id, string Zone, IReadOnlyList<SegmentScl> Segments, StorageNodeLoad? Load);

/// <summary>One segment of a node: its protection group and its SCL.</summary>
public readonly record struct SegmentScl(uint Group, ulong Scl);

/// <summary>A node's queue and fsyncs (see docs/storage-protocol.md, "Node stats").</summary>
/// <param name="QueuedRequests">Requests received that the node's loop has not handled yet.</param>
/// <param name="AwaitingFsync">Appends handled whose answers wait for the next group fsync.</param>
/// <param name="Fsyncs">Fsyncs since the node's process started.</param>
/// <param name="FsyncSeconds">Time spent in them.</param>
/// <param name="RecentP50Seconds">Median of the most recent fsyncs (up to 1024).</param>
/// <param name="RecentP99Seconds">Their 99th percentile.</param>
/// <param name="RecentMaxSeconds">The slowest of them.</param>
public sealed record StorageNodeLoad(
    long QueuedRequests, long AwaitingFsync, ulong Fsyncs, double FsyncSeconds, double RecentP50Seconds, double RecentP99Seconds, double RecentMaxSeconds);
