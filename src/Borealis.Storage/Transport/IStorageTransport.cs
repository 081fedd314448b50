using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>
/// Sends requests to storage nodes and delivers their answers to the response callback the transport was created
/// with (<c>Action&lt;long, StorageResponse&gt;</c>: correlation, response), on any thread. Used by the volume
/// client (writer) and by storage nodes for gossip. Implementations: <c>TcpStorageTransport</c> (the wire protocol
/// of docs/storage-protocol.md) and <c>InProcessStorageTransport</c> (tests).
/// </summary>
/// <remarks>
/// <see cref="Send"/> never blocks on the network and never throws for network reasons: a broken connection, a
/// refused connect or a timeout is answered with <see cref="ErrorResponse"/> and <see cref="StorageStatus.Unreachable"/>.
/// Every request gets exactly one answer. Requests to one node travel in order over one connection.
/// </remarks>
public interface IStorageTransport : IAsyncDisposable
{
    void Send(StorageNodeInfo node, long correlation, StorageRequest request);
}
