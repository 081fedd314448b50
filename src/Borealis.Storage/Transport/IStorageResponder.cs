using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>
/// Sends the answer to a request a server handed to its <see cref="IStorageRequestSink"/>. Thread-safe and
/// non-blocking; an answer for a connection that has closed is dropped (its sender has been told Unreachable).
/// </summary>
public interface IStorageResponder
{
    void Reply(RequestContext context, StorageResponse response);
}
