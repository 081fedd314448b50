using System.Globalization;
using System.Text.Json;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A real cluster (<c>up --detach</c>: storage nodes, control plane, router, a writer and a reader) under a known
/// workload through the cluster endpoint: <c>/metrics</c> on the control port counts the writer's commits and queries
/// exactly, the reader's lag is measured (gauge, percentiles, <c>status</c>), and each instance's <c>/v1/status</c>
/// says the same.
/// </summary>
public sealed class InstanceMetricsTests : BorealisTest
{
    const string Password = "metrics-pw";
    const int Inserts = 60;
    const int Selects = 40;

    static Task<ExternalProcess.Result> CliAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

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

    static async Task<JsonElement> StatusAsync(string data)
    {
        var status = await CliAsync("status", "--data", data, "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.StandardOutput);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task MetricsCountTheWritersCommitsAndQueriesAndMeasureTheReadersLag()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        int controlPort = FreePort.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{P(controlPort)}") };
        Task<string> MetricsAsync() => http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestToken);
        try
        {
            var up = await CliAsync("up", "--data", data, "--port", P(port), "--control-port", P(controlPort), "--password", Password, "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            await Eventually.AssertAsync(async () => Sample(await MetricsAsync(), "borealis_instance_healthy{instance=\"instance-2\",role=\"reader\"}") == 1,
                because: "the reader is healthy", timeout: TimeSpan.FromSeconds(60));

            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder
            {
                Server = "127.0.0.1",
                Port = checked((uint)port),
                UserID = "admin",
                Password = Password,
                SslMode = MySqlSslMode.None,
                AllowPublicKeyRetrieval = true,
                Pooling = false,
            }.ConnectionString);
            await connection.OpenAsync(TestToken);
            async Task<object?> RunAsync(string sql)
            {
                await using var command = new MySqlCommand(sql, connection);
                return await command.ExecuteScalarAsync(TestToken);
            }
            await RunAsync("CREATE DATABASE m");
            await RunAsync("CREATE TABLE m.t (id INT PRIMARY KEY, v VARCHAR(40))");

            // The writer's counters before the workload, once the probes have read them after the DDL.
            double commitsBefore = 0, queriesBefore = 0;
            await Eventually.AssertAsync(async () =>
            {
                string m = await MetricsAsync();
                commitsBefore = Sample(m, "borealis_instance_commits_total{instance=\"instance-1\"}") ?? 0;
                queriesBefore = Sample(m, "borealis_instance_queries_total{instance=\"instance-1\"}") ?? 0;
                return commitsBefore >= 2 && (await StatusOfAsync(data, "instance-1")).GetProperty("commits").GetDouble() == commitsBefore;
            }, because: "the probes read the writer's counters");

            for (int i = 1; i <= Inserts; i++)
                await RunAsync($"INSERT INTO m.t VALUES ({i}, 'row {i}')");
            for (int i = 0; i < Selects; i++)
                Assert.Equal((long)Inserts, Convert.ToInt64(await RunAsync("SELECT COUNT(*) FROM m.t"), CultureInfo.InvariantCulture));

            // Exactly the workload: one commit per insert, one query per statement.
            string metrics = "";
            await Eventually.AssertAsync(async () =>
            {
                metrics = await MetricsAsync();
                return Sample(metrics, "borealis_instance_commits_total{instance=\"instance-1\"}") == commitsBefore + Inserts
                    && Sample(metrics, "borealis_instance_queries_total{instance=\"instance-1\"}") == queriesBefore + Inserts + Selects
                    && Sample(metrics, "borealis_instance_replica_applied_commits_total{instance=\"instance-2\"}") >= Inserts;
            }, because: "the probes read the counters after the workload", timeout: TimeSpan.FromSeconds(20));
            // This test's one session (through the router); the probes' greeting connections are not sessions.
            Assert.Equal(1, Sample(metrics, "borealis_instance_connections{instance=\"instance-1\"}"));
            Assert.Equal(0, Sample(metrics, "borealis_instance_connections{instance=\"instance-2\"}"));
            Assert.InRange(Sample(metrics, "borealis_instance_buffer_cache_hit_ratio{instance=\"instance-1\"}")!.Value, 0.5, 1);
            Assert.Equal(0, Sample(metrics, "borealis_instance_commits_total{instance=\"instance-2\"}"));
            double lag = Sample(metrics, "borealis_instance_replica_lag_milliseconds{instance=\"instance-2\"}")!.Value;
            double p99 = Sample(metrics, "borealis_instance_replica_lag_p99_milliseconds{instance=\"instance-2\"}")!.Value;
            double max = Sample(metrics, "borealis_instance_replica_lag_max_milliseconds{instance=\"instance-2\"}")!.Value;
            Assert.InRange(lag, 0, max);
            Assert.InRange(p99, 0, max);
            Assert.InRange(max, 0, 5000);
            Assert.Null(Sample(metrics, "borealis_instance_replica_lag_milliseconds{instance=\"instance-1\"}"));

            // The queries keep counting.
            double queries = Sample(metrics, "borealis_instance_queries_total{instance=\"instance-1\"}")!.Value;
            for (int i = 0; i < 5; i++)
                await RunAsync("SELECT 1");
            await Eventually.AssertAsync(async () => Sample(await MetricsAsync(), "borealis_instance_queries_total{instance=\"instance-1\"}") == queries + 5,
                because: "five more queries are counted");

            // The reader's own status endpoint: the writer it follows, every insert applied, its lag percentiles.
            var reader = await StatusOfAsync(data, "instance-2");
            Assert.Equal(("instance-2", "reader"), (reader.GetProperty("id").GetString(), reader.GetProperty("role").GetString()));
            var replica = reader.GetProperty("replica");
            Assert.Equal("instance-1", replica.GetProperty("writer_id").GetString());
            Assert.True(replica.GetProperty("applied_commits").GetInt64() >= Inserts, replica.ToString());
            Assert.True(replica.GetProperty("lag_samples").GetInt32() >= Inserts, replica.ToString());
            Assert.True(replica.GetProperty("lag_p50_ms").GetDouble() <= replica.GetProperty("lag_p99_ms").GetDouble(), replica.ToString());
            Assert.True(replica.GetProperty("lag_p99_ms").GetDouble() <= replica.GetProperty("lag_max_ms").GetDouble(), replica.ToString());
            Assert.Equal((long)Inserts, Convert.ToInt64(await RunAsync("SELECT COUNT(*) FROM m.t"), CultureInfo.InvariantCulture));

            // status: the reader's lag is a number, the writer has none.
            var status = await StatusAsync(data);
            var instances = status.GetProperty("processes").EnumerateArray().Where(p => p.GetProperty("role").GetString() is "writer" or "reader").ToList();
            var readerLine = Assert.Single(instances, p => p.GetProperty("id").GetString() == "instance-2");
            Assert.Equal(JsonValueKind.Number, readerLine.GetProperty("lagMs").ValueKind);
            Assert.InRange(readerLine.GetProperty("lagMs").GetDouble(), 0, 5000);
            Assert.Equal(JsonValueKind.Null, Assert.Single(instances, p => p.GetProperty("id").GetString() == "instance-1").GetProperty("lagMs").ValueKind);
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(data, ex);
        }
        finally
        {
            await CliAsync("down", "--data", data);
        }
    }

    /// <summary>GET /v1/status of an instance, on the status port that <c>DIR/cluster.json</c> gives it.</summary>
    static async Task<JsonElement> StatusOfAsync(string data, string id)
    {
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "cluster.json"), TestContext.Current.CancellationToken));
        int statusPort = state.RootElement.GetProperty("processes").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == id).GetProperty("statusPort").GetInt32();
        Assert.NotEqual(0, statusPort);
        using var http = new HttpClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{P(statusPort)}/v1/status"), TestContext.Current.CancellationToken));
        return json.RootElement.Clone();
    }
}
