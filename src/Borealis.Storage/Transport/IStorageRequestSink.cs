using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>
/// Where a server hands the requests it decodes (<see cref="StorageServer"/>, <see cref="InProcessStorageNetwork"/>):
/// normally a <see cref="StorageNodeRunner"/>. <see cref="Handle"/> is called on the connection's thread and must
/// not block; the answer goes back later through the <see cref="IStorageResponder"/> with the same context.
/// </summary>
public interface IStorageRequestSink
{
    void Handle(RequestContext context, StorageRequest request);
}
