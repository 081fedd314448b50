using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// <c>ALTER SYSTEM CRASH</c> in a real cluster (<c>up</c>): on the writer it is a crash, not a failover — the same
/// instance restarts in place and serves again on its endpoint and the cluster endpoint with every acknowledged row —
/// and on a reader only that reader restarts. Also checks the storage nodes' series in the control plane's /metrics.
/// </summary>
public sealed class AlterSystemCrashTests : BorealisTest
{
    static readonly TimeSpan s_back = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CrashRestartsTheWriterInPlaceAndThenAReaderWithoutLosingAcknowledgedRows()
    {
        var elapsed = Stopwatch.StartNew();
        var output = TestContext.Current.TestOutputHelper;
        await using var cluster = await ClusterProcess.UpAsync(readers: 1);
        try
        {
            var writerBefore = await cluster.InstanceAsync("instance-1");
            var readerBefore = await cluster.InstanceAsync("instance-2");
            Assert.Equal(("writer", "reader"), (writerBefore.GetProperty("role").GetString(), readerBefore.GetProperty("role").GetString()));
            int writerPort = writerBefore.GetProperty("port").GetInt32();
            int readerPort = readerBefore.GetProperty("port").GetInt32();
            int failoversBefore = (await cluster.ClusterAsync()).GetProperty("failovers").GetInt32();

            await using (var setup = await ClusterProcess.OpenAsync(cluster.Port))
            {
                await ExecuteAsync(setup, InsertLoad.CreateTable);
                await ExecuteAsync(setup, "CREATE TABLE load.marker (id INT PRIMARY KEY)");
            }

            // Clients insert through the cluster endpoint (reconnecting after errors) before, during and after the crash.
            await using var load = new InsertLoad(() => ClusterProcess.ConnectionString(cluster.Port), clients: 2);
            await Eventually.AssertAsync(() => load.Acknowledged >= 30, because: "the clients commit before the crash");
            var storageBefore = await StorageMetricsAsync(cluster);

            // The crash, on a connection to the cluster endpoint: the client loses its connection mid-statement.
            var crashed = Stopwatch.StartNew();
            await using (var connection = await ClusterProcess.OpenAsync(cluster.Port))
            {
                Assert.Equal(("instance-1", false), await ClusterProcess.IdentityAsync(connection));
                var lost = await Assert.ThrowsAsync<MySqlException>(() => ExecuteAsync(connection, "ALTER SYSTEM CRASH INSTANCE"));
                Assert.IsType<MySqlEndOfStreamException>(lost.InnerException);
                Assert.NotEqual(System.Data.ConnectionState.Open, connection.State);
            }
            int acknowledgedAtCrash = load.Acknowledged;

            // The same instance is back as the writer, in a new process, on its own endpoint and behind the cluster endpoint.
            await Eventually.AssertAsync(async () =>
            {
                var writer = await cluster.InstanceAsync("instance-1");
                return writer.GetProperty("healthy").GetBoolean() && writer.GetProperty("pid").GetInt32() != writerBefore.GetProperty("pid").GetInt32();
            }, s_back, "instance-1 runs again and answers");
            await Eventually.AssertAsync(async () => await IdentityAtAsync(writerPort) == ("instance-1", false), s_back, "instance-1 serves on its endpoint");
            await Eventually.AssertAsync(async () => await IdentityAtAsync(cluster.Port) == ("instance-1", false), s_back, "the cluster endpoint leads to instance-1");
            double backSeconds = crashed.Elapsed.TotalSeconds;
            await AssertNoFailoverAsync(cluster, failoversBefore, writerPort, writerBefore.GetProperty("restarts").GetInt32() + 1);
            var restart = Assert.Single((await cluster.ClusterAsync()).GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "crash-restart");
            Assert.Equal("instance-1", restart.GetProperty("from").GetString());
            Assert.Contains("crash injected", restart.GetProperty("detail").GetString(), StringComparison.Ordinal);

            // Commits go on after the crash; then every acknowledged one is there.
            await Eventually.AssertAsync(() => load.Acknowledged >= acknowledgedAtCrash + 30, s_back, "the clients commit again after the crash");
            await load.StopAsync();
            await using (var check = await ClusterProcess.OpenAsync(cluster.Port))
                Assert.True(await load.VerifyAsync(check, TestToken) >= load.Acknowledged);

            // The reader follows the restarted writer (it restarts when it loses the stream) and shows new writes.
            await using (var writer = await ClusterProcess.OpenAsync(cluster.Port))
                await ExecuteAsync(writer, "INSERT INTO load.marker VALUES (1)");
            await Eventually.AssertAsync(async () =>
            {
                await using var reader = await ClusterProcess.OpenAsync(cluster.ReaderPort);
                return await ClusterProcess.IdentityAsync(reader) == ("instance-2", true)
                    && await ClusterProcess.ScalarAsync<long>(reader, "SELECT COUNT(*) FROM load.marker") == 1;
            }, s_back, "the reader endpoint shows a row written after the crash");

            // ALTER SYSTEM CRASH on the reader (its own endpoint): it restarts and serves again; the writer is untouched.
            var writerNow = await cluster.InstanceAsync("instance-1");
            var readerNow = await cluster.InstanceAsync("instance-2");
            await using (var connection = await ClusterProcess.OpenAsync(readerPort))
            {
                Assert.Equal(("instance-2", true), await ClusterProcess.IdentityAsync(connection));
                var lost = await Assert.ThrowsAsync<MySqlException>(() => ExecuteAsync(connection, "ALTER SYSTEM CRASH"));
                Assert.IsType<MySqlEndOfStreamException>(lost.InnerException);
            }
            await using (var writer = await ClusterProcess.OpenAsync(cluster.Port))
                await ExecuteAsync(writer, "INSERT INTO load.marker VALUES (2)");
            await Eventually.AssertAsync(async () =>
            {
                var reader = await cluster.InstanceAsync("instance-2");
                return reader.GetProperty("healthy").GetBoolean() && reader.GetProperty("pid").GetInt32() != readerNow.GetProperty("pid").GetInt32();
            }, s_back, "instance-2 runs again and answers");
            await Eventually.AssertAsync(async () =>
            {
                await using var reader = await ClusterProcess.OpenAsync(readerPort);
                return await ClusterProcess.IdentityAsync(reader) == ("instance-2", true)
                    && await ClusterProcess.ScalarAsync<long>(reader, "SELECT COUNT(*) FROM load.marker") == 2;
            }, s_back, "instance-2 serves on its endpoint and shows the rows written meanwhile");
            var writerAfter = await cluster.InstanceAsync("instance-1");
            Assert.Equal(writerNow.GetProperty("pid").GetInt32(), writerAfter.GetProperty("pid").GetInt32());
            Assert.Equal(writerNow.GetProperty("restarts").GetInt32(), writerAfter.GetProperty("restarts").GetInt32());
            Assert.Equal(readerNow.GetProperty("restarts").GetInt32() + 1, (await cluster.InstanceAsync("instance-2")).GetProperty("restarts").GetInt32());
            await AssertNoFailoverAsync(cluster, failoversBefore, writerPort, writerAfter.GetProperty("restarts").GetInt32());

            // The storage nodes' series moved on with the writes since: every node's SCL and fsync count.
            ulong sclBefore = storageBefore.Values.Max(n => n.Scl);
            await Eventually.AssertAsync(async () =>
            {
                var now = await StorageMetricsAsync(cluster);
                return now.All(n => n.Value.Scl > sclBefore && n.Value.Fsyncs > storageBefore[n.Key].Fsyncs);
            }, s_back, "every storage node's SCL and fsync count went up");
            foreach (var (node, m) in storageBefore.OrderBy(n => n.Key))
            {
                output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"storage node {node} ({m.Zone}) at the first scrape: SCL {m.Scl}, queue {m.Queue}, {m.Fsyncs} fsyncs, p50 {m.P50 * 1e6:0} µs, p99 {m.P99 * 1e6:0} µs, max {m.Max * 1e6:0} µs"));
            }
            output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"writer back on both endpoints {backSeconds:0.0} s after ALTER SYSTEM CRASH; {load.Acknowledged} transactions acknowledged ({acknowledgedAtCrash} at the crash), {load.Errors} client errors; test ran {elapsed.Elapsed.TotalSeconds:0.0} s"));
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(cluster.Data, ex);
        }
    }

    /// <summary>
    /// The writer is still instance-1 on its port, with <paramref name="restarts"/> restarts; the failover count did not
    /// move, the events have no failover, and <c>borealis status</c> agrees.
    /// </summary>
    static async Task AssertNoFailoverAsync(ClusterProcess cluster, int failoversBefore, int writerPort, int restarts)
    {
        var view = await cluster.ClusterAsync();
        Assert.Equal("instance-1", view.GetProperty("writer").GetString());
        Assert.Equal(failoversBefore, view.GetProperty("failovers").GetInt32());
        var kinds = view.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.DoesNotContain("failover", kinds);
        Assert.DoesNotContain("switchover", kinds);
        var writer = view.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "instance-1");
        Assert.Equal(("writer", writerPort, restarts), (writer.GetProperty("role").GetString(), writer.GetProperty("port").GetInt32(), writer.GetProperty("restarts").GetInt32()));

        var status = await ClusterProcess.CliAsync("status", "--data", cluster.Data, "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.StandardOutput);
        var roles = json.RootElement.GetProperty("processes").EnumerateArray()
            .Where(p => p.GetProperty("role").GetString() is "writer" or "reader")
            .Select(p => (p.GetProperty("id").GetString(), p.GetProperty("role").GetString())).ToList();
        Assert.Equal([("instance-1", "writer"), ("instance-2", "reader")], roles);
    }

    sealed record NodeSeries(string Zone, ulong Scl, double Queue, double Fsyncs, double Seconds, double P50, double P99, double Max);

    /// <summary>
    /// The storage nodes' series of <c>/metrics</c>, checked for shape: all six nodes of <c>/v1/cluster</c>, in their
    /// zones, each with group 0's SCL, both queue stages, and fsync quantiles in order with a count and a sum.
    /// </summary>
    static async Task<Dictionary<int, NodeSeries>> StorageMetricsAsync(ClusterProcess cluster)
    {
        var zones = (await cluster.ClusterAsync()).GetProperty("storage_nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("id").GetInt32(), n => n.GetProperty("zone").GetString()!);
        Assert.Equal(6, zones.Count);
        string body = await cluster.MetricsAsync();
        var nodes = new Dictionary<int, NodeSeries>();
        foreach (var (id, zone) in zones)
        {
            string labels = $"node=\"{id}\",zone=\"{zone}\"";
            double Value(string series)
            {
                var line = body.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
                Assert.True(line is not null, $"/metrics has no {series}");
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
            var m = new NodeSeries(zone,
                (ulong)Value($"borealis_storage_node_scl{{{labels},group=\"0\"}}"),
                Value($"borealis_storage_node_queue_depth{{{labels},stage=\"received\"}}") + Value($"borealis_storage_node_queue_depth{{{labels},stage=\"fsync\"}}"),
                Value($"borealis_storage_node_fsync_seconds_count{{{labels}}}"),
                Value($"borealis_storage_node_fsync_seconds_sum{{{labels}}}"),
                Value($"borealis_storage_node_fsync_seconds{{{labels},quantile=\"0.5\"}}"),
                Value($"borealis_storage_node_fsync_seconds{{{labels},quantile=\"0.99\"}}"),
                Value($"borealis_storage_node_fsync_seconds{{{labels},quantile=\"1\"}}"));
            Assert.True(m.Scl > 0 && m.Queue >= 0 && m.Fsyncs > 0 && m.Seconds > 0, $"node {id}: {m}");
            Assert.True(0 < m.P50 && m.P50 <= m.P99 && m.P99 <= m.Max && m.Max <= m.Seconds, $"node {id}: {m}");
            nodes[id] = m;
        }
        return nodes;
    }

    static async Task<(string, bool)> IdentityAtAsync(int port)
    {
        await using var connection = await ClusterProcess.OpenAsync(port);
        return await ClusterProcess.IdentityAsync(connection);
    }

    static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestToken);
    }
}
