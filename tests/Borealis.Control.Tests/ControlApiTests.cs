using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Control.Tests;

/// <summary>The control API over HTTP on 127.0.0.1 (a free port), on a control plane with fake processes.</summary>
public sealed class ControlApiTests : BorealisTest
{
    static async Task<(ControlCluster Cluster, ControlApi Api, HttpClient Http)> StartAsync(int readers)
    {
        var cluster = await ControlCluster.StartAsync(readers);
        var api = await ControlApi.StartAsync(cluster.Control, 0, NullLoggerFactory.Instance, TestContext.Current.CancellationToken);
        return (cluster, api, new HttpClient { BaseAddress = new Uri(api.Url) });
    }

    static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EndpointsListTheHealthyWriterAndReadersExactlyAsTheRouterReadsThem()
    {
        var (cluster, api, http) = await StartAsync(readers: 2);
        await using (cluster)
        await using (api)
        using (http)
        {
            long version = cluster.Control.Endpoints().Version;
            var (status, body) = await SendAsync(http, HttpMethod.Get, "/v1/endpoints");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(
                $$"""{"version":{{version}},"writer":{"id":"instance-1","host":"127.0.0.1","port":40010},"readers":[{"id":"instance-2","host":"127.0.0.1","port":40013},{"id":"instance-3","host":"127.0.0.1","port":40016}],"writers":[{"id":"instance-1","host":"127.0.0.1","port":40010}]}""",
                body);

            // An instance that stops answering leaves the list, and the version goes up.
            cluster.Processes.NotAnswering.Add("instance-1");
            await Eventually.AssertAsync(() => cluster.Control.Endpoints().Writer is null);
            (_, body) = await SendAsync(http, HttpMethod.Get, "/v1/endpoints");
            using var json = JsonDocument.Parse(body);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("writer").ValueKind);
            // With no healthy writer the list is empty, never null: `up` counts it while it waits.
            Assert.Equal(0, json.RootElement.GetProperty("writers").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("version").GetInt64() > version);
        }
    }

    [Fact]
    public async Task InstancesAreAddedAndRemovedAndTheWriterIsNotRemovable()
    {
        var (cluster, api, http) = await StartAsync(readers: 1);
        await using (cluster)
        await using (api)
        using (http)
        {
            var (status, body) = await SendAsync(http, HttpMethod.Post, "/v1/instances", """{"role":"reader","tier":0}""");
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal("""{"id":"instance-3","role":"reader","tier":0,"host":"127.0.0.1","port":40016}""", body);

            (status, body) = await SendAsync(http, HttpMethod.Delete, "/v1/instances/instance-1");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal("""{"error":"instance-1 is the writer: fail over to a reader first (borealis failover), then remove it"}""", body);

            (status, body) = await SendAsync(http, HttpMethod.Delete, "/v1/instances/instance-3");
            Assert.Equal((HttpStatusCode.OK, """{"removed":"instance-3"}"""), (status, body));
            (status, body) = await SendAsync(http, HttpMethod.Delete, "/v1/instances/instance-3");
            Assert.Equal((HttpStatusCode.NotFound, """{"error":"no instance 'instance-3'"}"""), (status, body));

            (status, body) = await SendAsync(http, HttpMethod.Post, "/v1/instances", """{"role":"reader","tier":"x"}""");
            Assert.Equal((HttpStatusCode.BadRequest, """{"error":"tier must be an integer between 0 and 15"}"""), (status, body));
            (status, _) = await SendAsync(http, HttpMethod.Post, "/v1/instances", "{nope");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            (status, body) = await SendAsync(http, HttpMethod.Get, "/v1/nothing");
            Assert.Equal((HttpStatusCode.NotFound, """{"error":"no such endpoint: GET /v1/nothing"}"""), (status, body));
        }
    }

    [Fact]
    public async Task FailoverClusterAndMetricsReportTheNewTopology()
    {
        var (cluster, api, http) = await StartAsync(readers: 1);
        await using (cluster)
        await using (api)
        using (http)
        {
            var (status, body) = await SendAsync(http, HttpMethod.Post, "/v1/failover", """{"target":"instance-2"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            using (var result = JsonDocument.Parse(body))
                Assert.Equal(("instance-1", "instance-2", true), (result.RootElement.GetProperty("from").GetString(), result.RootElement.GetProperty("to").GetString(), result.RootElement.GetProperty("healthy").GetBoolean()));

            await Eventually.AssertAsync(() => cluster.Instance("instance-1").Healthy);
            var view = await http.GetFromJsonAsync<JsonElement>("/v1/cluster", TestToken);
            Assert.Equal("instance-2", view.GetProperty("writer").GetString());
            var instances = view.GetProperty("instances").EnumerateArray().Select(i => $"{i.GetProperty("id").GetString()}:{i.GetProperty("role").GetString()}:{i.GetProperty("state").GetString()}:{i.GetProperty("healthy").GetBoolean()}").ToList();
            Assert.Equal(["instance-1:reader:running:True", "instance-2:writer:running:True"], instances);
            Assert.Equal(2, view.GetProperty("storage_nodes").GetArrayLength());
            Assert.Equal("switchover", view.GetProperty("events")[0].GetProperty("kind").GetString());

            (status, body) = await SendAsync(http, HttpMethod.Get, "/metrics");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("borealis_instance_healthy{instance=\"instance-2\",role=\"writer\"} 1\n", body, StringComparison.Ordinal);
            Assert.Contains("borealis_instance_writer{instance=\"instance-1\"} 0\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("instance=\"instance-1\",role=\"writer\"", body, StringComparison.Ordinal);
            Assert.Contains("borealis_storage_node_up{node=\"2\",zone=\"b\"} 0\n", body, StringComparison.Ordinal);
            Assert.Contains("borealis_failovers 1\n", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MetricsShowEachStorageNodesSclQueueAndFsyncLatencyAsTheNodesAnswer()
    {
        var (cluster, api, http) = await StartAsync(readers: 0);
        await using (cluster)
        await using (api)
        using (http)
        {
            cluster.Processes.StorageMetrics.Add(new StorageNodeMetrics(1, "a", [new SegmentScl(0, 1234), new SegmentScl(1, 99)],
                new StorageNodeLoad(3, 2, 5000, 0.45, 0.00009, 0.0012, 0.004)));
            cluster.Processes.StorageMetrics.Add(new StorageNodeMetrics(2, "b", [new SegmentScl(0, 1200)], null));
            var (status, body) = await SendAsync(http, HttpMethod.Get, "/metrics");
            Assert.Equal(HttpStatusCode.OK, status);
            string[] expected =
            [
                "borealis_storage_node_scl{node=\"1\",zone=\"a\",group=\"0\"} 1234\n",
                "borealis_storage_node_scl{node=\"1\",zone=\"a\",group=\"1\"} 99\n",
                "borealis_storage_node_scl{node=\"2\",zone=\"b\",group=\"0\"} 1200\n",
                "borealis_storage_node_queue_depth{node=\"1\",zone=\"a\",stage=\"received\"} 3\n",
                "borealis_storage_node_queue_depth{node=\"1\",zone=\"a\",stage=\"fsync\"} 2\n",
                "borealis_storage_node_fsync_seconds{node=\"1\",zone=\"a\",quantile=\"0.5\"} 9e-05\n",
                "borealis_storage_node_fsync_seconds{node=\"1\",zone=\"a\",quantile=\"0.99\"} 0.0012\n",
                "borealis_storage_node_fsync_seconds{node=\"1\",zone=\"a\",quantile=\"1\"} 0.004\n",
                "borealis_storage_node_fsync_seconds_sum{node=\"1\",zone=\"a\"} 0.45\n",
                "borealis_storage_node_fsync_seconds_count{node=\"1\",zone=\"a\"} 5000\n",
            ];
            foreach (var line in expected)
                Assert.Contains(line, body, StringComparison.Ordinal);
            // Node 2 did not answer its stats: it has an SCL and no load series.
            Assert.DoesNotContain("queue_depth{node=\"2\"", body, StringComparison.Ordinal);

            // The series follow the nodes: a node that no longer answers leaves them; counters restart with a node.
            cluster.Processes.StorageMetrics.Clear();
            cluster.Processes.StorageMetrics.Add(new StorageNodeMetrics(1, "a", [new SegmentScl(0, 1300)], new StorageNodeLoad(0, 0, 4, 0.001, 0.0001, 0.0002, 0.0003)));
            (_, body) = await SendAsync(http, HttpMethod.Get, "/metrics");
            Assert.Contains("borealis_storage_node_scl{node=\"1\",zone=\"a\",group=\"0\"} 1300\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("group=\"1\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("node=\"2\",zone=\"b\",group", body, StringComparison.Ordinal);
            Assert.Contains("borealis_storage_node_fsync_seconds_count{node=\"1\",zone=\"a\"} 4\n", body, StringComparison.Ordinal);
        }
    }
}
