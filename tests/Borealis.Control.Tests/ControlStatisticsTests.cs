using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Control.Tests;

/// <summary>
/// What the instances' status endpoints report, as the control plane keeps it from its probes: a reader's lag in
/// the cluster view (and so in failover and <c>status</c>), counters and rates in <c>/metrics</c>.
/// </summary>
public sealed class ControlStatisticsTests : BorealisTest
{
    /// <summary>A clock that moves only when told: the rates are then exact.</summary>
    sealed class ManualClock : TimeProvider
    {
        long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    static InstanceStatus Writer(int pid, long commits, long queries) => new()
    {
        Id = "instance-1",
        Role = InstanceRole.Writer,
        Tier = 1,
        Pid = pid,
        Commits = commits,
        Queries = queries,
        Connections = 3,
        ConnectionsTotal = 7,
        BufferCacheHits = 900,
        BufferCacheMisses = 100,
        BufferCacheHitRatio = 0.9,
    };

    static InstanceStatus Reader(double lagMs) => new()
    {
        Id = "instance-2",
        Role = InstanceRole.Reader,
        Tier = 1,
        Pid = 2002,
        Queries = 40,
        Connections = 1,
        ConnectionsTotal = 2,
        BufferCacheHits = 5,
        BufferCacheMisses = 15,
        BufferCacheHitRatio = 0.25,
        Replica = new InstanceReplicaStatus
        {
            WriterId = "instance-1",
            LagMs = lagMs,
            LagP50Ms = 2.5,
            LagP99Ms = 8.25,
            LagMaxMs = 11,
            LagSamples = 120,
            LagWindowSeconds = 60,
            AppliedCommits = 120,
        },
    };

    /// <summary>The value of one series of the exposition text; null when the series is absent.</summary>
    static double? Sample(string metrics, string series)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
                return double.Parse(line.AsSpan(series.Length + 1), CultureInfo.InvariantCulture);
        }
        return null;
    }

    [Fact]
    public async Task MetricsCarryEachInstancesCountersRatesAndLagFromItsStatusEndpoint()
    {
        var clock = new ManualClock();
        await using var cluster = await ControlCluster.StartAsync(readers: 1, configure: o => o with { Time = clock });
        await using var api = await ControlApi.StartAsync(cluster.Control, 0, NullLoggerFactory.Instance, TestToken);
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        Task<string> MetricsAsync() => http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestToken);

        lock (cluster.Processes.Sync)
        {
            cluster.Processes.Statuses["instance-1"] = Writer(pid: 1001, commits: 100, queries: 1000);
            cluster.Processes.Statuses["instance-2"] = Reader(lagMs: 4.5);
        }
        // The reader's lag reaches the cluster view (GET /v1/cluster, status, failover) and the lag gauge.
        await Eventually.AssertAsync(() => cluster.Instance("instance-2").LagMs == 4.5 && cluster.Control.Statistics().Count == 2);
        Assert.Null(cluster.Instance("instance-1").LagMs);
        var view = await http.GetFromJsonAsync<JsonElement>("/v1/cluster", TestToken);
        Assert.Equal(4.5, view.GetProperty("instances")[1].GetProperty("lag_ms").GetDouble());
        Assert.Equal(40012, view.GetProperty("instances")[0].GetProperty("status_port").GetInt32());

        string metrics = await MetricsAsync();
        Assert.Equal(100, Sample(metrics, "borealis_instance_commits_total{instance=\"instance-1\"}"));
        Assert.Equal(1000, Sample(metrics, "borealis_instance_queries_total{instance=\"instance-1\"}"));
        Assert.Equal(3, Sample(metrics, "borealis_instance_connections{instance=\"instance-1\"}"));
        Assert.Equal(7, Sample(metrics, "borealis_instance_connections_total{instance=\"instance-1\"}"));
        Assert.Equal(900, Sample(metrics, "borealis_instance_buffer_cache_hits_total{instance=\"instance-1\"}"));
        Assert.Equal(100, Sample(metrics, "borealis_instance_buffer_cache_misses_total{instance=\"instance-1\"}"));
        Assert.Equal(0.9, Sample(metrics, "borealis_instance_buffer_cache_hit_ratio{instance=\"instance-1\"}"));
        Assert.Equal(0.25, Sample(metrics, "borealis_instance_buffer_cache_hit_ratio{instance=\"instance-2\"}"));
        Assert.Equal(0, Sample(metrics, "borealis_instance_commits_total{instance=\"instance-2\"}"));
        Assert.Equal(4.5, Sample(metrics, "borealis_instance_replica_lag_milliseconds{instance=\"instance-2\"}"));
        Assert.Equal(2.5, Sample(metrics, "borealis_instance_replica_lag_p50_milliseconds{instance=\"instance-2\"}"));
        Assert.Equal(8.25, Sample(metrics, "borealis_instance_replica_lag_p99_milliseconds{instance=\"instance-2\"}"));
        Assert.Equal(11, Sample(metrics, "borealis_instance_replica_lag_max_milliseconds{instance=\"instance-2\"}"));
        Assert.Equal(120, Sample(metrics, "borealis_instance_replica_applied_commits_total{instance=\"instance-2\"}"));
        Assert.Null(Sample(metrics, "borealis_instance_replica_lag_milliseconds{instance=\"instance-1\"}"));
        Assert.Null(Sample(metrics, "borealis_instance_replica_lag_p99_milliseconds{instance=\"instance-1\"}"));
        // No rate before the counters were read twice at least a second apart.
        Assert.Null(Sample(metrics, "borealis_instance_commits_per_second{instance=\"instance-1\"}"));
        Assert.Contains("# TYPE borealis_instance_commits_total counter", metrics, StringComparison.Ordinal);

        // 500 commits and 2000 queries in 2 s: 250 commits/s, 1000 queries/s.
        lock (cluster.Processes.Sync)
            cluster.Processes.Statuses["instance-1"] = Writer(pid: 1001, commits: 600, queries: 3000);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.AssertAsync(async () => Sample(await MetricsAsync(), "borealis_instance_commits_per_second{instance=\"instance-1\"}") == 250);
        metrics = await MetricsAsync();
        Assert.Equal(1000, Sample(metrics, "borealis_instance_queries_per_second{instance=\"instance-1\"}"));
        Assert.Equal(600, Sample(metrics, "borealis_instance_commits_total{instance=\"instance-1\"}"));

        // A restarted writer (another process) starts its counters again: they go down, and its rates start anew.
        lock (cluster.Processes.Sync)
            cluster.Processes.Statuses["instance-1"] = Writer(pid: 1003, commits: 5, queries: 9);
        await Eventually.AssertAsync(async () => Sample(await MetricsAsync(), "borealis_instance_commits_total{instance=\"instance-1\"}") == 5);
        Assert.Null(Sample(await MetricsAsync(), "borealis_instance_commits_per_second{instance=\"instance-1\"}"));

        // An instance that stops answering has no statistics; the others keep theirs.
        lock (cluster.Processes.Sync)
            cluster.Processes.NotAnswering.Add("instance-2");
        await Eventually.AssertAsync(async () => Sample(await MetricsAsync(), "borealis_instance_queries_total{instance=\"instance-2\"}") is null);
        metrics = await MetricsAsync();
        Assert.Null(Sample(metrics, "borealis_instance_replica_lag_p99_milliseconds{instance=\"instance-2\"}"));
        Assert.Equal(9, Sample(metrics, "borealis_instance_queries_total{instance=\"instance-1\"}"));
    }

    [Fact]
    public async Task FailoverPrefersTheReaderWhoseStatusReportsTheSmallestLag()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        lock (cluster.Processes.Sync)
        {
            cluster.Processes.Statuses["instance-2"] = Reader(lagMs: 40) with { Id = "instance-2" };
            cluster.Processes.Statuses["instance-3"] = Reader(lagMs: 3) with { Id = "instance-3" };
        }
        await Eventually.AssertAsync(() => cluster.Instance("instance-2").LagMs == 40 && cluster.Instance("instance-3").LagMs == 3);
        Assert.Equal("instance-3", (await cluster.Control.FailoverAsync(null, TestToken)).To);
    }
}
