using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Borealis.Hosting;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// <c>borealis storage replace</c> on a running local cluster, under an insert load: the supervisor starts the new
/// node and stops the retired one, the writer moves the retired node's segments to the new node (two-step
/// membership change), <c>status</c> shows every group back at 6 healthy copies without it, commits go on, and
/// every acknowledged transaction is there. Refusals change nothing and exit 1 with one line.
/// </summary>
public sealed partial class StorageReplaceTests : BorealisTest
{
    static readonly TimeSpan s_repairTimeout = TimeSpan.FromSeconds(120);

    static Task<ExternalProcess.Result> RunCliAsync(params string[] args) => LocalClusterCli.RunAsync(args);

    static Task<int> StorageNodePidAsync(string data, int node) => LocalClusterCli.StorageNodePidAsync(data, node);

    static string P(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Added storage node (\d+) \(zone (\w+), (127\.0\.0\.1:\d+)\)", RegexOptions.Multiline)]
    private static partial Regex AddedLine();

    [Fact]
    public async Task ReplacingNodesUnderLoadMovesTheirSegmentsToNewNodesInTheirZoneAndLosesNothing()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = checked((uint)port),
            UserID = "admin",
            Password = "pw",
            SslMode = MySqlSslMode.None,
            AllowPublicKeyRetrieval = true,
            Pooling = false,
            DefaultCommandTimeout = 60,
        };
        try
        {
            var up = await RunCliAsync("up", "--data", data, "--port", P(port), "--password", "pw", "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            await using (var connection = new MySqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(TestToken);
                await new MySqlCommand(InsertLoad.CreateTable, connection).ExecuteNonQueryAsync(TestToken);
            }
            int node3Pid = await StorageNodePidAsync(data, 3);
            Assert.True(node3Pid > 0);

            await using var load = new InsertLoad(() => builder.ConnectionString);
            await Eventually.AssertAsync(() => load.Acknowledged >= 20, because: "the load commits before the replacement");

            // The operator replaces node 3 (zone c) while the load runs.
            var replace = await RunCliAsync("storage", "replace", "3", "--data", data);
            Assert.True(replace.ExitCode == 0, replace.ToString());
            Assert.StartsWith("Retired storage node 3 (zone c, 127.0.0.1:", replace.StandardOutput, StringComparison.Ordinal);
            var added = AddedLine().Match(replace.StandardOutput);
            Assert.True(added.Success, replace.StandardOutput);
            Assert.Equal(("7", "c"), (added.Groups[1].Value, added.Groups[2].Value));
            string node7Address = added.Groups[3].Value;
            int acknowledgedAtReplace = load.Acknowledged;

            var storage = await WaitForRepairAsync(data, gone: [3], expectedMembers: [1, 2, 4, 5, 6, 7]);
            var nodes = storage.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32());
            Assert.True(nodes[3].GetProperty("retired").GetBoolean());
            Assert.Equal(0, nodes[3].GetProperty("segments").GetArrayLength());
            Assert.Equal(("c", node7Address, false), (nodes[7].GetProperty("zone").GetString(), nodes[7].GetProperty("address").GetString(), nodes[7].GetProperty("retired").GetBoolean()));
            Assert.True(nodes[7].GetProperty("up").GetBoolean());
            // The supervisor stopped the retired node's process and runs the new one.
            await Eventually.AssertAsync(() => !ProcessControl.IsAlive(node3Pid), because: "the retired node's process is stopped");
            Assert.Equal(0, await StorageNodePidAsync(data, 3));
            Assert.True(await StorageNodePidAsync(data, 7) > 0);
            await Eventually.AssertAsync(() => load.Acknowledged >= acknowledgedAtReplace + 20, because: "commits go on after the replacement");

            // Refusals: exit 1, one line, nodes.json unchanged.
            var topologyFile = Path.Combine(data, "storage", "nodes.json");
            var before = await File.ReadAllTextAsync(topologyFile, TestToken);
            var again = await RunCliAsync("storage", "replace", "3", "--data", data);
            Assert.Equal((1, "", "error: storage node 3 is already retired\n"), (again.ExitCode, again.StandardOutput, again.StandardError));
            var unknown = await RunCliAsync("storage", "replace", "42", "--data", data);
            Assert.Equal((1, "", "error: there is no storage node 42 (nodes: 1, 2, 3, 4, 5, 6, 7)\n"), (unknown.ExitCode, unknown.StandardOutput, unknown.StandardError));
            Assert.Equal(before, await File.ReadAllTextAsync(topologyFile, TestToken));

            // The other node of zone c, with JSON output: zone c is then made of new nodes only.
            var json = await RunCliAsync("storage", "replace", "6", "--data", data, "--output", "json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using (var reply = JsonDocument.Parse(json.StandardOutput))
            {
                var retired = reply.RootElement.GetProperty("retired");
                var added8 = reply.RootElement.GetProperty("added");
                Assert.Equal((6, "c"), (retired.GetProperty("id").GetInt32(), retired.GetProperty("zone").GetString()));
                Assert.Equal((8, "c"), (added8.GetProperty("id").GetInt32(), added8.GetProperty("zone").GetString()));
                Assert.StartsWith("127.0.0.1:", added8.GetProperty("address").GetString(), StringComparison.Ordinal);
            }
            await WaitForRepairAsync(data, gone: [3, 6], expectedMembers: [1, 2, 4, 5, 7, 8]);

            await load.StopAsync();
            Assert.True(load.Acknowledged > acknowledgedAtReplace, "commits were acknowledged after the first replacement");
            await using (var connection = new MySqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(TestToken);
                await load.VerifyAsync(connection, TestToken);
            }
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
    public async Task ReplaceWithoutARunningClusterIsRefused()
    {
        using var dir = new TempDirectory();

        var result = await RunCliAsync("storage", "replace", "3", "--data", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith($"error: no cluster is running on '{dir.Path}'", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task ReplaceHelpExplainsTheCommand()
    {
        var help = await RunCliAsync("storage", "replace", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("borealis storage replace <NODE_ID> [options]", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("new node in the same zone", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--output", help.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Waits until <c>status</c> shows every protection group with 6 healthy copies on exactly
    /// <paramref name="expectedMembers"/>, and no segment left on the <paramref name="gone"/> nodes, which are retired.
    /// </summary>
    static async Task<JsonElement> WaitForRepairAsync(string data, int[] gone, int[] expectedMembers)
    {
        string because = $"every group is back at 6 healthy copies on nodes {string.Join(",", expectedMembers)}";
        var storage = await LocalClusterCli.WaitForSixHealthyCopiesAsync(data, members => members.Order().SequenceEqual(expectedMembers), s_repairTimeout, because);
        await Eventually.AssertAsync(async () =>
        {
            var status = await RunCliAsync("status", "--data", data, "--output", "json");
            using var json = JsonDocument.Parse(status.StandardOutput);
            storage = json.RootElement.GetProperty("storage").Clone();
            return storage.GetProperty("nodes").EnumerateArray()
                .Where(n => gone.Contains(n.GetProperty("id").GetInt32()))
                .All(n => n.GetProperty("retired").GetBoolean() && n.GetProperty("segments").GetArrayLength() == 0);
        }, s_repairTimeout, $"nodes {string.Join(",", gone)} are retired and hold no segment");
        return storage;
    }
}
