using Prometheus;

namespace Borealis.Control;

/// <summary>
/// The per-instance series of <c>/metrics</c> that come from the instances' status endpoints
/// (<see cref="InstanceStatus"/>, kept by the control plane's probes): commits, queries, connections, buffer cache,
/// and a reader's lag percentiles. Counters carry the instance's own count since its process started (a restart
/// shows as a counter reset); rates per second are derived by the control plane as well, for readers of
/// <c>/metrics</c> without Prometheus (with Prometheus, prefer <c>rate()</c> of the counters).
/// </summary>
internal sealed class InstanceStatusMetrics
{
    readonly Counter _commits;
    readonly Counter _queries;
    readonly Gauge _commitsPerSecond;
    readonly Gauge _queriesPerSecond;
    readonly Gauge _connections;
    readonly Counter _connectionsTotal;
    readonly Counter _cacheHits;
    readonly Counter _cacheMisses;
    readonly Gauge _cacheHitRatio;
    readonly Gauge _lagP50;
    readonly Gauge _lagP99;
    readonly Gauge _lagMax;
    readonly Counter _applied;

    public InstanceStatusMetrics(MetricFactory factory)
    {
        _commits = factory.CreateCounter("borealis_instance_commits_total", "Write transactions the instance committed since its process started.", "instance");
        _queries = factory.CreateCounter("borealis_instance_queries_total", "Statements received from clients since the instance's process started (MySQL's Questions).", "instance");
        _commitsPerSecond = factory.CreateGauge("borealis_instance_commits_per_second", "Commits per second over the last second or more (the control plane's probes).", "instance");
        _queriesPerSecond = factory.CreateGauge("borealis_instance_queries_per_second", "Queries per second over the last second or more (the control plane's probes).", "instance");
        _connections = factory.CreateGauge("borealis_instance_connections", "Client sessions open on the instance (logged in).", "instance");
        _connectionsTotal = factory.CreateCounter("borealis_instance_connections_total", "Connections the instance's endpoint accepted since its process started (health probes included).", "instance");
        _cacheHits = factory.CreateCounter("borealis_instance_buffer_cache_hits_total", "Page reads served by the buffer cache.", "instance");
        _cacheMisses = factory.CreateCounter("borealis_instance_buffer_cache_misses_total", "Page reads that went to storage.", "instance");
        _cacheHitRatio = factory.CreateGauge("borealis_instance_buffer_cache_hit_ratio", "Buffer cache hits / page reads since the instance's process started.", "instance");
        _lagP50 = factory.CreateGauge("borealis_instance_replica_lag_p50_milliseconds", "A reader's median replica lag over its recent commits (the status endpoint's window).", "instance");
        _lagP99 = factory.CreateGauge("borealis_instance_replica_lag_p99_milliseconds", "A reader's 99th percentile replica lag over its recent commits.", "instance");
        _lagMax = factory.CreateGauge("borealis_instance_replica_lag_max_milliseconds", "A reader's largest replica lag over its recent commits.", "instance");
        _applied = factory.CreateCounter("borealis_instance_replica_applied_commits_total", "Commits of the writer's redo stream a reader applied since its process started.", "instance");
    }

    /// <summary>Sets every series from <paramref name="statistics"/>; instances not in it have none.</summary>
    public void Refresh(IReadOnlyList<InstanceStatistics> statistics)
    {
        foreach (var gauge in new[] { _commitsPerSecond, _queriesPerSecond, _connections, _cacheHitRatio, _lagP50, _lagP99, _lagMax })
            Clear(gauge);
        foreach (var counter in new[] { _commits, _queries, _connectionsTotal, _cacheHits, _cacheMisses, _applied })
            Clear(counter);
        foreach (var (id, status, commitsPerSecond, queriesPerSecond) in statistics)
        {
            _commits.WithLabels(id).IncTo(status.Commits);
            _queries.WithLabels(id).IncTo(status.Queries);
            if (commitsPerSecond is { } commitRate)
                _commitsPerSecond.WithLabels(id).Set(commitRate);
            if (queriesPerSecond is { } queryRate)
                _queriesPerSecond.WithLabels(id).Set(queryRate);
            _connections.WithLabels(id).Set(status.Connections);
            _connectionsTotal.WithLabels(id).IncTo(status.ConnectionsTotal);
            _cacheHits.WithLabels(id).IncTo(status.BufferCacheHits);
            _cacheMisses.WithLabels(id).IncTo(status.BufferCacheMisses);
            if (status.BufferCacheHitRatio is { } ratio)
                _cacheHitRatio.WithLabels(id).Set(ratio);
            if (status.Replica is { } replica)
            {
                _applied.WithLabels(id).IncTo(replica.AppliedCommits);
                if (replica.LagP50Ms is { } p50)
                    _lagP50.WithLabels(id).Set(p50);
                if (replica.LagP99Ms is { } p99)
                    _lagP99.WithLabels(id).Set(p99);
                if (replica.LagMaxMs is { } max)
                    _lagMax.WithLabels(id).Set(max);
            }
        }
    }

    /// <summary>Drops every series (a counter is set anew from the instance's count at each scrape).</summary>
    static void Clear<TChild>(Collector<TChild> collector)
        where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().ToList())
            collector.RemoveLabelled(labels);
    }
}
