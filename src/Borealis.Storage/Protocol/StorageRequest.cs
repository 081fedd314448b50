using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>
/// A request to a storage node, from a writer's volume client or from a peer node (gossip, hydration). Every
/// request that touches segments carries the sender's volume epoch: a node refuses an older one
/// (<see cref="StorageStatus.StaleEpoch"/>) and asks for the map when it is newer than its own
/// (<see cref="StorageStatus.UnknownEpoch"/>). The wire encoding is in <c>docs/storage-protocol.md</c>.
/// </summary>
public abstract record StorageRequest;

/// <summary>Append frames to the node's segments. Answered with <see cref="AppendResponse"/> only after fsync.</summary>
/// <param name="Epoch">The writer's volume epoch.</param>
/// <param name="DurableLsn">The writer's VDL when it sent this (piggybacked: recovery starts from the highest one found).</param>
/// <param name="PageCountAtDurable">The database size in pages at <paramref name="DurableLsn"/>.</param>
/// <param name="ReadHorizon">No read will ask for a version older than this: versions below may be coalesced.</param>
/// <param name="Frames">Frames for segments this node hosts, any groups, any order.</param>
public sealed record AppendRequest(
    VolumeEpoch Epoch, Lsn DurableLsn, uint PageCountAtDurable, Lsn ReadHorizon, IReadOnlyList<SegmentFrame> Frames) : StorageRequest;

/// <summary>Read one page as of an LSN. Answered with <see cref="PageResponse"/>.</summary>
/// <param name="Epoch">The sender's volume epoch.</param>
/// <param name="Group">The page's group.</param>
/// <param name="Page">The page.</param>
/// <param name="AsOf">Apply every record of the page with LSN ≤ this.</param>
/// <param name="RequiredScl">The segment must be complete up to here (the last LSN of the group at or below
/// <paramref name="AsOf"/>, as the writer knows it), else <see cref="StorageStatus.NotCaughtUp"/>.</param>
public sealed record GetPageRequest(VolumeEpoch Epoch, uint Group, PageId Page, Lsn AsOf, Lsn RequiredScl) : StorageRequest;

/// <summary>
/// Read a segment's frames above an LSN: gossip (hole filling), hydration, and recovery. Answered with
/// <see cref="ReadLogResponse"/>.
/// </summary>
/// <param name="Epoch">The sender's volume epoch.</param>
/// <param name="Group">The group.</param>
/// <param name="After">Return stored, non-void frames with <c>Last</c> above this, in LSN order (holes included).</param>
/// <param name="MaxBytes">Stop after about this many bytes of records (at least one frame is returned).</param>
public sealed record ReadLogRequest(VolumeEpoch Epoch, uint Group, Lsn After, int MaxBytes) : StorageRequest;

/// <summary>
/// Read page images of a segment as of an LSN: hydration of a new or reset segment when a peer's log no longer
/// reaches back far enough. Answered with <see cref="ReadImagesResponse"/>.
/// </summary>
/// <param name="Epoch">The sender's volume epoch.</param>
/// <param name="Group">The group.</param>
/// <param name="AsOf">The LSN the images are wanted at; <see cref="Lsn.Zero"/>: the node chooses (its SCL), and says which in the reply.</param>
/// <param name="FromPage">First page to return (pages never written are skipped).</param>
/// <param name="MaxPages">At most this many images.</param>
public sealed record ReadImagesRequest(VolumeEpoch Epoch, uint Group, Lsn AsOf, PageId FromPage, int MaxPages) : StorageRequest;

/// <summary>Ask for the node's volume map. Answered with <see cref="MapResponse"/>. Never refused by epoch.</summary>
public sealed record GetMapRequest : StorageRequest;

/// <summary>
/// Offer a volume map. The node adopts it durably if it is newer (<see cref="VolumeMap.IsNewerThan"/>): creates
/// the segments it is now a member of, applies new truncations, drops segments it is no longer a member of.
/// Answered with <see cref="OkResponse"/> once durable (also when the node already has this map), or
/// <see cref="StorageStatus.StaleEpoch"/> when the node's map has a higher epoch.
/// </summary>
public sealed record SetMapRequest(VolumeMap Map) : StorageRequest;

/// <summary>Ask for the node's state and its segments (for <c>borealis status</c> and repair). Answered with <see cref="NodeStatusResponse"/>.</summary>
public sealed record GetStatusRequest : StorageRequest;

/// <summary>
/// Ask for the node's load and disk latency (for the control plane's /metrics). Answered with
/// <see cref="NodeStatsResponse"/> by the node's <see cref="Transport.StorageNodeRunner"/>, which owns its queue and
/// times its fsyncs; a bare <see cref="StorageNodeCore"/> answers <see cref="StorageStatus.BadRequest"/>. Added to
/// protocol version 2 after its release: a node that predates it closes the connection (an unknown kind), so ask it
/// on a connection of its own.
/// </summary>
public sealed record GetNodeStatsRequest : StorageRequest;
