using Borealis.Storage.Protocol;

namespace Borealis.Storage;

/// <summary>
/// A storage node's logic, with no transport and no threads: it hosts the segments the volume map gives it,
/// appends frames to each segment's checksummed log, acknowledges after <see cref="Flush"/> (group commit),
/// tracks each segment's SCL, fills holes by gossip, coalesces versions, serves pages, scrubs, and refuses stale
/// epochs. Single-threaded: the host calls one method at a time (the TCP server from its node loop, the
/// simulation from its event loop).
/// </summary>
public sealed partial class StorageNodeCore : IDisposable
{
    readonly StorageNodeOptions _options;
    readonly IStorageDisk _disk;
    readonly IStorageNodeHost _host;

    public StorageNodeCore(StorageNodeOptions options, IStorageDisk disk, IStorageNodeHost host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(host);
        _options = options;
        _disk = disk;
        _host = host;
    }

    /// <summary>Loads the node's map and segments from disk (recovering torn tails). Call once, before anything else.</summary>
    /// <exception cref="StorageException">The data is unusable (e.g. it belongs to another node id).</exception>
    public void Open() => throw new NotImplementedException();

    /// <summary>
    /// Handles one request. The reply goes through <see cref="IStorageNodeHost.Reply"/>, at once or, for writes,
    /// from the next <see cref="Flush"/> once they are durable.
    /// </summary>
    public void Handle(RequestContext context, StorageRequest request) => throw new NotImplementedException();

    /// <summary>True when writes are waiting for <see cref="Flush"/>.</summary>
    public bool HasUnsyncedWrites => throw new NotImplementedException();

    /// <summary>fsyncs every file written since the last flush, then sends the replies that waited for it (group commit).</summary>
    public void Flush() => throw new NotImplementedException();

    /// <summary>Background work, called every few milliseconds: gossip, hydration, map exchange, checkpoints, scrub.</summary>
    public void Tick() => throw new NotImplementedException();

    /// <summary>The answer to a request the core sent with <see cref="IStorageNodeHost.SendToPeer"/>.</summary>
    public void OnPeerResponse(long correlation, StorageResponse response) => throw new NotImplementedException();

    /// <summary>The node's identity, map and segments.</summary>
    public NodeStatusResponse GetStatus() => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
