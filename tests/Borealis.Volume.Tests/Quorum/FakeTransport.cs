using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>An <see cref="IStorageTransport"/> over a <see cref="FakeCluster"/>: answers on the thread pool, like a network would.</summary>
sealed class FakeTransport(FakeCluster cluster, Action<long, StorageResponse> onResponse) : IStorageTransport
{
    public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
    {
        ThreadPool.QueueUserWorkItem(_ =>
        {
            StorageResponse response;
            lock (cluster)
            {
                response = cluster.IsDown(node.Id)
                    ? new ErrorResponse(StorageStatus.Unreachable, "down", default)
                    : cluster[node.Id].Handle(request);
            }
            onResponse(correlation, response);
        });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
