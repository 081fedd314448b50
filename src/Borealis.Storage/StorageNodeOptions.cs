using Borealis.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace Borealis.Storage;

/// <summary>Settings of one storage node.</summary>
public sealed class StorageNodeOptions
{
    public required NodeId Id { get; init; }

    /// <summary>The node's availability zone.</summary>
    public required string Zone { get; init; }

    /// <summary>How often <see cref="StorageNodeCore.Tick"/> looks for holes to fill by gossip (and hydrates new segments).</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A segment checkpoints (coalesces its records into page images and drops its old log) past this many bytes of log.</summary>
    public long CheckpointBytes { get; init; } = 8L << 20;

    /// <summary>Bytes of stored data the background scrub re-verifies per tick.</summary>
    public long ScrubBytesPerTick { get; init; } = 1L << 20;

    public ILogger? Logger { get; init; }
}
