using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Repair through the whole stack: a storage node of a local cluster loses its disk for good (its directory is
/// replaced by a file, so every restart fails at once). The supervisor declares it lost and adds a node in its zone;
/// the writer moves the lost node's segments there by two-step membership changes; <c>status</c> shows every
/// protection group back at 6 healthy copies, none on the lost node, and the data is intact.
/// </summary>
public sealed class StorageRepairTests : BorealisTest
{
    static Task<ExternalProcess.Result> RunCliAsync(params string[] args) => LocalClusterCli.RunAsync(args);

    [Fact]
    public async Task ALostNodeIsReplacedWithoutOperatorActionAndStatusShowsSixHealthyCopies()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        try
        {
            var up = await RunCliAsync("up", "--data", data, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--password", "pw", "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            var builder = new MySqlConnectionStringBuilder { Server = "127.0.0.1", Port = checked((uint)port), UserID = "admin", Password = "pw", SslMode = MySqlSslMode.None, AllowPublicKeyRetrieval = true, Pooling = false };
            await using (var connection = new MySqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(TestToken);
                await new MySqlCommand("CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(50)); INSERT INTO r.t VALUES (1, 'one'), (2, 'two')", connection).ExecuteNonQueryAsync(TestToken);
            }

            int pid = await LocalClusterCli.StorageNodePidAsync(data, 6);
            Assert.True(pid > 0);
            var nodeDir = Path.Combine(data, "storage", "node-6");
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            Directory.Delete(nodeDir, recursive: true);
            await File.WriteAllTextAsync(nodeDir, "this disk is gone", TestToken);

            // No operator action: the supervisor replaces node 6, the writer repairs every group.
            var storage = await LocalClusterCli.WaitForSixHealthyCopiesAsync(data, members => !members.Contains(6),
                TimeSpan.FromSeconds(120), "every group is back at 6 healthy copies without node 6");

            var nodes = storage.GetProperty("nodes").EnumerateArray().ToList();
            Assert.True(nodes.Single(n => n.GetProperty("id").GetInt32() == 6).GetProperty("retired").GetBoolean());
            var added = nodes.Single(n => n.GetProperty("id").GetInt32() == 7);
            Assert.Equal("c", added.GetProperty("zone").GetString()); // node 6 was in zone c: the new node too
            Assert.True(added.GetProperty("segments").GetArrayLength() > 0);

            var text = await RunCliAsync("status", "--data", data);
            Assert.Contains("with 6 healthy copies", text.StandardOutput, StringComparison.Ordinal);
            await using (var connection = new MySqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(TestToken);
                Assert.Equal("one,two", await new MySqlCommand("SELECT GROUP_CONCAT(v ORDER BY id) FROM r.t", connection).ExecuteScalarAsync(TestToken));
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
}
