using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

/// <summary>
/// What a <see cref="QuorumVolumeCore"/> needs from the world: a clock and a way to send requests to storage nodes.
/// <see cref="QuorumVolume"/> implements it over TCP (or the in-process transport); the simulation over its
/// simulated network. The core calls it only from inside its own methods.
/// </summary>
public interface IQuorumHost
{
    /// <summary>Monotonic milliseconds (virtual in the simulation).</summary>
    long NowMilliseconds { get; }

    /// <summary>
    /// Sends a request. The answer — or an <see cref="ErrorResponse"/> with <see cref="StorageStatus.Unreachable"/>
    /// on a broken connection or timeout — comes back through <see cref="QuorumVolumeCore.OnResponse"/> with the
    /// same <paramref name="correlation"/>. Requests to one node are delivered in order on a healthy connection
    /// (the simulation may reorder them; the core must not depend on it).
    /// </summary>
    void Send(StorageNodeInfo node, long correlation, StorageRequest request);
}
