using Prometheus;

namespace Borealis.Control;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format: read from the control plane's state at each scrape (a
/// registry of its own, so that two control planes in one process do not share series).
/// </summary>
public sealed class ControlMetrics
{
    readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    readonly ControlPlane _control;
    readonly Gauge _instanceUp;
    readonly Gauge _instanceHealthy;
    readonly Gauge _instanceWriter;
    readonly Gauge _instanceTier;
    readonly Gauge _instanceRestarts;
    readonly Gauge _instanceLag;
    readonly Gauge _storageUp;
    readonly Gauge _storageRestarts;
    readonly Gauge _failovers;
    readonly Gauge _endpointsVersion;
    readonly StorageNodeMetricSeries _storageNodes;

    // Per instance, from the instances' status endpoints (commits, queries, connections, cache, lag percentiles).
    readonly InstanceStatusMetrics _instanceStatus;

    public ControlMetrics(ControlPlane control)
    {
        _control = control;
        var factory = Metrics.WithCustomRegistry(_registry);
        _instanceUp = factory.CreateGauge("borealis_instance_up", "1 when the instance's process runs.", "instance", "role");
        _instanceHealthy = factory.CreateGauge("borealis_instance_healthy", "1 when the instance runs and answers on its endpoint.", "instance", "role");
        _instanceWriter = factory.CreateGauge("borealis_instance_writer", "1 for the writer, 0 for a reader.", "instance");
        _instanceTier = factory.CreateGauge("borealis_instance_promotion_tier", "The instance's promotion tier (0 is promoted first).", "instance");
        _instanceRestarts = factory.CreateGauge("borealis_instance_restarts", "Times the supervisor restarted the instance's process.", "instance");
        _instanceLag = factory.CreateGauge("borealis_instance_replica_lag_milliseconds", "A reader's replica lag, when known.", "instance");
        _storageUp = factory.CreateGauge("borealis_storage_node_up", "1 when the storage node's process runs.", "node", "zone");
        _storageRestarts = factory.CreateGauge("borealis_storage_node_restarts", "Times the supervisor restarted the storage node's process.", "node", "zone");
        _failovers = factory.CreateGauge("borealis_failovers", "Failovers (automatic and requested) since the control plane started.");
        _endpointsVersion = factory.CreateGauge("borealis_endpoints_version", "Version of GET /v1/endpoints.");
        _instanceStatus = new InstanceStatusMetrics(factory);
        _registry.AddBeforeCollectCallback(Refresh);
        _storageNodes = new StorageNodeMetricSeries(factory);
        _registry.AddBeforeCollectCallback(async cancellationToken => _storageNodes.Refresh(await _control.StorageNodeMetricsAsync(cancellationToken)));
    }

    /// <summary>Writes every metric in the text exposition format.</summary>
    public Task WriteAsync(Stream stream, CancellationToken cancellationToken) => _registry.CollectAndExportAsTextAsync(stream, cancellationToken);

    void Refresh()
    {
        var cluster = _control.Cluster();
        foreach (var gauge in new[] { _instanceUp, _instanceHealthy, _instanceWriter, _instanceTier, _instanceRestarts, _instanceLag, _storageUp, _storageRestarts })
            Clear(gauge);
        foreach (var i in cluster.Instances)
        {
            string role = i.Role == InstanceRole.Writer ? "writer" : "reader";
            _instanceUp.WithLabels(i.Id, role).Set(i.Pid > 0 ? 1 : 0);
            _instanceHealthy.WithLabels(i.Id, role).Set(i.Healthy ? 1 : 0);
            _instanceWriter.WithLabels(i.Id).Set(i.Role == InstanceRole.Writer ? 1 : 0);
            _instanceTier.WithLabels(i.Id).Set(i.Tier);
            _instanceRestarts.WithLabels(i.Id).Set(i.Restarts);
            if (i.LagMs is { } lag)
                _instanceLag.WithLabels(i.Id).Set(lag);
        }
        foreach (var n in cluster.StorageNodes)
        {
            string node = n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _storageUp.WithLabels(node, n.Zone).Set(n.Up ? 1 : 0);
            _storageRestarts.WithLabels(node, n.Zone).Set(n.Restarts);
        }
        _failovers.Set(cluster.Failovers);
        _endpointsVersion.Set(cluster.Version);
        _instanceStatus.Refresh(_control.Statistics());
    }

    /// <summary>Drops every series: instances removed or whose role changed must not linger.</summary>
    static void Clear(Gauge gauge)
    {
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            gauge.RemoveLabelled(labels);
    }
}
