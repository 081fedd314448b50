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
    public long CheckpointBytes { get; init; } = DefaultCheckpointBytes;

    /// <summary>The default of <see cref="CheckpointBytes"/>: 8 MiB.</summary>
    public const long DefaultCheckpointBytes = 8L << 20;

    /// <summary>Bytes of stored data the background scrub re-verifies each time it runs.</summary>
    public long ScrubBytesPerTick { get; init; } = 1L << 20;

    /// <summary>
    /// How often the scrub runs (at most once per tick). The default re-verifies about 1 MiB per second: a
    /// background check, not a load (scrubbing on every 5 ms tick re-read 200 MiB/s per node and starved commits).
    /// Zero: on every tick.
    /// </summary>
    public TimeSpan ScrubInterval { get; init; } = TimeSpan.FromSeconds(1);

    public ILogger? Logger { get; init; }
}
