using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;
using Microsoft.Extensions.Logging;

namespace Borealis.Volume.Quorum;

/// <summary>Settings of a quorum volume client.</summary>
public sealed class QuorumVolumeOptions
{
    /// <summary>The storage fleet (at least 6 nodes in 3 zones, 2 or more per zone). New nodes may be added to it later.</summary>
    public required IReadOnlyList<StorageNodeInfo> Nodes { get; init; }

    /// <summary>Bytes per page; fixed at creation.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>Pages per protection group; fixed at creation. Default 16 MiB of 4 KiB pages.</summary>
    public uint PagesPerGroup { get; init; } = 4096;

    /// <summary>Create the volume when no node holds a map.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>A member node unreachable for this long is replaced (its segments re-created on another node).</summary>
    public TimeSpan ReplaceAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A read with no answer after this long is hedged to a second segment.</summary>
    public TimeSpan HedgeAfter { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A request with no answer after this long counts as failed (the node as unreachable).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Append requests a node may have unanswered. Commits made meanwhile wait and go out together in the next one:
    /// under load a node gets one request (one write, one fdatasync) per round trip for many commits. Default 1:
    /// with 2, each request carried half as many commits, and 16 clients of one-row inserts committed about 12 %
    /// less per second (docs/benchmarks.md). Each node has its own count, so a slow node does not hold back the others.
    /// </summary>
    public int MaxAppendsInFlight { get; init; } = 1;

    /// <summary>
    /// Whether a batch appended while earlier ones are on their way to a write quorum waits for them (queued, and
    /// sent with everything appended meanwhile once VDL covers them), instead of going at once to each node that
    /// is idle. A lone commit is never delayed: it finds nothing in flight.
    /// </summary>
    public bool PaceAppends { get; init; } = true;

    /// <summary>
    /// Creates the transport to the nodes, given the callback for answers. Default (null): TCP
    /// (<c>TcpStorageTransport</c>); tests pass the in-process transport.
    /// </summary>
    public Func<Action<long, StorageResponse>, IStorageTransport>? TransportFactory { get; init; }

    /// <summary>
    /// The id given to a volume this client creates (<see cref="CreateIfMissing"/>). Null: a new random Guid. The
    /// simulation sets it so that a seed replays exactly.
    /// </summary>
    public Guid? NewVolumeId { get; init; }

    /// <summary>This client's identity in the maps it writes (<see cref="VolumeMap.Writer"/>). Null: a new random Guid.</summary>
    public Guid? WriterId { get; init; }

    public ILogger? Logger { get; init; }
}
