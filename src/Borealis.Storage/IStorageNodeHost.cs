using Borealis.Storage.Protocol;

namespace Borealis.Storage;

/// <summary>
/// What a <see cref="StorageNodeCore"/> needs from the world around it: a clock, a way to answer, and a way to ask
/// its peers. The TCP server, the in-process transport and the simulation each implement it. The core calls it
/// only from inside its own methods (single-threaded).
/// </summary>
public interface IStorageNodeHost
{
    /// <summary>Monotonic milliseconds (virtual in the simulation).</summary>
    long NowMilliseconds { get; }

    /// <summary>Delivers the answer to a request the core was given in <see cref="StorageNodeCore.Handle"/>.</summary>
    void Reply(RequestContext context, StorageResponse response);

    /// <summary>
    /// Sends a request to a peer (address from the volume map). The answer — or an <see cref="ErrorResponse"/> with
    /// <see cref="StorageStatus.Unreachable"/> — comes back later through <see cref="StorageNodeCore.OnPeerResponse"/>
    /// with the same <paramref name="correlation"/>.
    /// </summary>
    void SendToPeer(StorageNodeInfo peer, long correlation, StorageRequest request);
}
