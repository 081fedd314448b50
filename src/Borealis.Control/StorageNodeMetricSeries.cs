using Prometheus;

namespace Borealis.Control;

/// <summary>
/// The storage nodes' series of <see cref="ControlMetrics"/>, asked of the nodes at each scrape: each segment's SCL,
/// the queue depth and the fsync latency (docs/storage-protocol.md "Node stats"). The fsync series are laid out as a
/// summary: quantiles over the node's most recent fsyncs (1 is the slowest), with <c>_sum</c> and <c>_count</c>
/// since the node started (so <c>rate(_sum) / rate(_count)</c> is the mean).
/// </summary>
internal sealed class StorageNodeMetricSeries
{
    readonly Gauge _scl;
    readonly Gauge _queueDepth;
    readonly Gauge _fsyncSeconds;
    readonly Counter _fsyncSecondsSum;
    readonly Counter _fsyncSecondsCount;

    public StorageNodeMetricSeries(MetricFactory factory)
    {
        _scl = factory.CreateGauge("borealis_storage_node_scl", "Segment complete LSN of each segment (protection group) the node holds.", "node", "zone", "group");
        _queueDepth = factory.CreateGauge("borealis_storage_node_queue_depth",
            "Requests the node received and has not answered: waiting for its loop (stage=received) or for the group fsync (stage=fsync).", "node", "zone", "stage");
        _fsyncSeconds = factory.CreateGauge("borealis_storage_node_fsync_seconds",
            "Fsync latency over the node's most recent fsyncs (up to 1024); quantile 1 is the slowest.", "node", "zone", "quantile");
        _fsyncSecondsSum = factory.CreateCounter("borealis_storage_node_fsync_seconds_sum", "Time the node spent in fsync since its process started.", "node", "zone");
        _fsyncSecondsCount = factory.CreateCounter("borealis_storage_node_fsync_seconds_count", "Fsyncs the node made since its process started.", "node", "zone");
    }

    public void Refresh(IReadOnlyList<StorageNodeMetrics> nodes)
    {
        foreach (var collector in new Collector[] { _scl, _queueDepth, _fsyncSeconds, _fsyncSecondsSum, _fsyncSecondsCount })
            Clear(collector);
        foreach (var n in nodes)
        {
            string node = n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var segment in n.Segments)
                _scl.WithLabels(node, n.Zone, segment.Group.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(segment.Scl);
            if (n.Load is not { } load)
                continue;
            _queueDepth.WithLabels(node, n.Zone, "received").Set(load.QueuedRequests);
            _queueDepth.WithLabels(node, n.Zone, "fsync").Set(load.AwaitingFsync);
            // Without fsyncs yet there are no quantiles to show.
            if (load.Fsyncs > 0)
            {
                _fsyncSeconds.WithLabels(node, n.Zone, "0.5").Set(load.RecentP50Seconds);
                _fsyncSeconds.WithLabels(node, n.Zone, "0.99").Set(load.RecentP99Seconds);
                _fsyncSeconds.WithLabels(node, n.Zone, "1").Set(load.RecentMaxSeconds);
            }
            _fsyncSecondsSum.WithLabels(node, n.Zone).IncTo(load.FsyncSeconds);
            _fsyncSecondsCount.WithLabels(node, n.Zone).IncTo(load.Fsyncs);
        }
    }

    static void Clear(Collector collector)
    {
        switch (collector)
        {
            case Gauge gauge:
                foreach (var labels in gauge.GetAllLabelValues().ToList())
                    gauge.RemoveLabelled(labels);
                break;
            case Counter counter:
                foreach (var labels in counter.GetAllLabelValues().ToList())
                    counter.RemoveLabelled(labels);
                break;
        }
    }
}
