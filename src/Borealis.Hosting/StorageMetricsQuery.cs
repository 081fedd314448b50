using System.Collections.Concurrent;
using Borealis.Control;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;

namespace Borealis.Hosting;

/// <summary>
/// Asks storage nodes for what <c>/metrics</c> shows of them: <see cref="GetStatusRequest"/> (each segment's SCL) and
/// <see cref="GetNodeStatsRequest"/> (queue depth, fsync latency), all at once on a transport of its own (a node
/// that predates the stats closes that connection, which costs only this query).
/// </summary>
public static class StorageMetricsQuery
{
    /// <summary>The nodes that answered within <paramref name="timeout"/>, in the order of <paramref name="nodes"/>.</summary>
    public static async Task<IReadOnlyList<StorageNodeMetrics>> QueryAsync(
        IReadOnlyList<StorageNodeInfo> nodes, Func<Action<long, StorageResponse>, IStorageTransport> transportFactory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(transportFactory);
        var answers = new ConcurrentDictionary<long, StorageResponse>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var transport = transportFactory((correlation, response) =>
        {
            if (answers.TryAdd(correlation, response) && answers.Count == nodes.Count * 2)
                all.TrySetResult();
        }))
        {
            for (int i = 0; i < nodes.Count; i++)
            {
                transport.Send(nodes[i], i * 2, new GetStatusRequest());
                transport.Send(nodes[i], i * 2 + 1, new GetNodeStatsRequest());
            }
            try
            {
                await all.Task.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Whoever answered in time is shown.
            }
        }

        var metrics = new List<StorageNodeMetrics>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var status = answers.GetValueOrDefault(i * 2) as NodeStatusResponse;
            var stats = answers.GetValueOrDefault(i * 2 + 1) as NodeStatsResponse;
            if (status is null && stats is null)
                continue;
            var segments = status is null ? [] : status.Segments.Select(s => new SegmentScl(s.Group, s.Scl.Value)).ToList();
            var load = stats is null ? null : new StorageNodeLoad(
                stats.QueuedRequests, stats.AwaitingFsync, stats.Fsyncs.Count, stats.Fsyncs.TotalNanoseconds / 1e9,
                stats.Fsyncs.RecentP50Nanoseconds / 1e9, stats.Fsyncs.RecentP99Nanoseconds / 1e9, stats.Fsyncs.RecentMaxNanoseconds / 1e9);
            metrics.Add(new StorageNodeMetrics(nodes[i].Id.Value, nodes[i].Zone, segments, load));
        }
        return metrics;
    }
}
