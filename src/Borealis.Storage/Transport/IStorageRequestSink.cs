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

    /// <summary>
    /// Like <see cref="Handle"/>, for a caller that calls <see cref="Drain"/> once it has handed over every request
    /// it received together: the sink may leave the work to that call.
    /// </summary>
    void Enqueue(RequestContext context, StorageRequest request) => Handle(context, request);

    /// <summary>
    /// Called after <see cref="Enqueue"/> calls, on a thread that may block (a connection's own receive thread):
    /// the sink may do their work here, before the caller reads more. The default does nothing.
    /// </summary>
    void Drain()
    {
    }
}
