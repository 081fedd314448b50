using System.Net.Http.Json;
using System.Text.Json;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>
/// The control plane of a real local cluster (<c>up --detach</c>): <c>status</c> lists the instances with their
/// roles, <c>GET /v1/endpoints</c> agrees, <c>instance add/remove</c> change the processes, <c>down</c> stops all.
/// </summary>
public sealed class ControlPlaneCliTests : BorealisTest
{
    static Task<ExternalProcess.Result> RunCliAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static async Task<JsonElement> StatusAsync(string data)
    {
        var status = await RunCliAsync("status", "--data", data, "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.StandardOutput);
        return json.RootElement.Clone();
    }

    static IEnumerable<JsonElement> Instances(JsonElement status) =>
        status.GetProperty("processes").EnumerateArray().Where(p => p.GetProperty("role").GetString() is "writer" or "reader");

    [Fact]
    public async Task StatusAndEndpointsShowTheInstancesAndReadersAreAddedAndRemoved()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        int controlPort = FreePort.Next();
        try
        {
            var up = await RunCliAsync("up", "--data", data, "--port", P(port), "--control-port", P(controlPort), "--password", "pw", "--readers", "0", "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains($"control:   http://127.0.0.1:{controlPort}", up.StandardOutput, StringComparison.Ordinal);

            var status = await StatusAsync(data);
            Assert.Equal($"http://127.0.0.1:{controlPort}", status.GetProperty("endpoints").GetProperty("control").GetString());
            var writer = Assert.Single(Instances(status));
            Assert.Equal(("instance-1", "writer", 1), (writer.GetProperty("id").GetString(), writer.GetProperty("role").GetString(), writer.GetProperty("tier").GetInt32()));
            // The cluster port is the router's; the instance has an endpoint of its own.
            int writerPort = writer.GetProperty("port").GetInt32();
            Assert.NotEqual(port, writerPort);

            // The endpoints the router reads: the healthy writer on its port, no reader.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}") };
            await Eventually.AssertAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/v1/endpoints", TestToken)).GetProperty("writer").ValueKind == JsonValueKind.Object,
                because: "the writer is probed healthy");
            var endpoints = await http.GetFromJsonAsync<JsonElement>("/v1/endpoints", TestToken);
            Assert.Equal(("instance-1", "127.0.0.1", writerPort), (endpoints.GetProperty("writer").GetProperty("id").GetString(), endpoints.GetProperty("writer").GetProperty("host").GetString(), endpoints.GetProperty("writer").GetProperty("port").GetInt32()));
            Assert.Equal(0, endpoints.GetProperty("readers").GetArrayLength());

            // A reader is a new supervised process with its own endpoint port (whether it serves yet depends on the
            // instance's reader role; the seed scenario test covers that).
            var add = await RunCliAsync("instance", "add", "--role", "reader", "--tier", "0", "--data", data, "--output", "json");
            Assert.True(add.ExitCode == 0, add.ToString());
            using (var added = JsonDocument.Parse(add.StandardOutput))
            {
                Assert.Equal(("instance-2", "reader", 0), (added.RootElement.GetProperty("id").GetString(), added.RootElement.GetProperty("role").GetString(), added.RootElement.GetProperty("tier").GetInt32()));
                Assert.NotEqual(port, added.RootElement.GetProperty("port").GetInt32());
                Assert.NotEqual(writerPort, added.RootElement.GetProperty("port").GetInt32());
            }
            var reader = Assert.Single(Instances(await StatusAsync(data)), p => p.GetProperty("id").GetString() == "instance-2");
            Assert.Equal(("reader", 0), (reader.GetProperty("role").GetString(), reader.GetProperty("tier").GetInt32()));
            using (var topology = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "topology.json"), TestToken)))
                Assert.Equal(["instance-1", "instance-2"], topology.RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

            var removeWriter = await RunCliAsync("instance", "remove", "instance-1", "--data", data);
            Assert.Equal(1, removeWriter.ExitCode);
            Assert.Equal("error: instance-1 is the writer: fail over to a reader first (borealis failover), then remove it", removeWriter.StandardError.Trim());

            var remove = await RunCliAsync("instance", "remove", "instance-2", "--api", $"http://127.0.0.1:{controlPort}");
            Assert.True(remove.ExitCode == 0, remove.ToString());
            Assert.Equal("Removed instance-2.", remove.StandardOutput.Trim());
            Assert.Equal(["instance-1"], Instances(await StatusAsync(data)).Select(p => p.GetProperty("id").GetString()));

            var down = await RunCliAsync("down", "--data", data);
            Assert.True(down.ExitCode == 0, down.ToString());
            var stopped = await StatusAsync(data);
            Assert.False(stopped.GetProperty("running").GetBoolean());
            Assert.All(stopped.GetProperty("processes").EnumerateArray(), p => Assert.Equal(0, p.GetProperty("pid").GetInt32()));
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(data, ex);
        }
        finally
        {
            await RunCliAsync("down", "--data", data);
        }
    }

    [Fact]
    public async Task ReadersAreRefusedOnALocalVolume()
    {
        using var dir = new TempDirectory();
        var up = await RunCliAsync("up", "--data", dir.Combine("data"), "--port", P(FreePort.ForCluster()), "--password", "pw", "--storage-nodes", "0", "--readers", "1", "--detach");
        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains("readers need quorum storage", up.StandardError + up.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandsWithoutARunningClusterSayWhy()
    {
        using var dir = new TempDirectory();
        var failover = await RunCliAsync("failover", "--data", dir.Combine("data"));
        Assert.Equal(1, failover.ExitCode);
        Assert.StartsWith("error: no cluster is running on", failover.StandardError, StringComparison.Ordinal);
    }
}
