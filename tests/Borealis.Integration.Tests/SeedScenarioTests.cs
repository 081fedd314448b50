using System.Text.Json;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>
/// Issue 6's seed scenario end to end, through the CLI and the mariadb client on a real cluster (6 storage nodes,
/// control plane, router, a writer and a reader): writes go to the cluster endpoint, the reader endpoint refuses
/// them with 1290, a reader added later sees the rows written before it existed, and a failover to it swaps roles.
/// </summary>
public sealed class SeedScenarioTests : BorealisTest
{
    const string Password = "seed-pw";

    static Task<ExternalProcess.Result> CliAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static Task<ExternalProcess.Result> SqlAsync(int port, string sql) =>
        ExternalProcess.MariaDbAsync(port, Password, ["--skip-ssl", "-N", "-e", sql]);

    static async Task<string[]> RowsAsync(int port, string sql)
    {
        var result = await SqlAsync(port, sql);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static async Task AssertReadOnlyAsync(int port, string sql)
    {
        var result = await SqlAsync(port, sql);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ERROR 1290 (HY000)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("The MySQL server is running with the --read-only option so it cannot execute this statement", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriterReaderAddedReaderAndFailoverThroughTheEndpoints()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        int controlPort = FreePort.Next();
        try
        {
            var up = await CliAsync("up", "--data", data, "--port", P(port), "--control-port", P(controlPort), "--password", Password, "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            int readerPort = port + 1;

            // Cluster endpoint: the writer.
            Assert.Equal(["instance-1\t0"], await RowsAsync(port,
                "CREATE DATABASE demo; CREATE TABLE demo.course (id INT PRIMARY KEY, title VARCHAR(100)); "
                + "INSERT INTO demo.course VALUES (1, 'Databases'), (2, 'Distributed systems'); SELECT @@aurora_server_id, @@read_only;"));

            // Reader endpoint: the reader (once healthy), which has the rows and refuses the same insert.
            await Eventually.AssertAsync(async () => (await SqlAsync(readerPort, "SELECT @@aurora_server_id")).StandardOutput.Trim() == "instance-2",
                because: "the reader endpoint leads to the healthy reader", timeout: TimeSpan.FromSeconds(30));
            await Eventually.AssertAsync(async () => (await SqlAsync(readerPort, "SELECT COUNT(*) FROM demo.course")).StandardOutput.Trim() == "2",
                because: "the reader shows the committed rows");
            Assert.Equal(["1\t1"], await RowsAsync(readerPort, "SELECT @@read_only, @@innodb_read_only"));
            await AssertReadOnlyAsync(readerPort, "INSERT INTO demo.course VALUES (3, 'Storage')");

            // A second reader: it returns the rows inserted before it existed.
            var add = await CliAsync("instance", "add", "--role", "reader", "--data", data, "--output", "json");
            Assert.True(add.ExitCode == 0, add.ToString());
            string id;
            int newPort;
            using (var added = JsonDocument.Parse(add.StandardOutput))
            {
                id = added.RootElement.GetProperty("id").GetString()!;
                newPort = added.RootElement.GetProperty("port").GetInt32();
            }
            Assert.Equal("instance-3", id);
            await Eventually.AssertAsync(async () => (await SqlAsync(newPort, "SELECT id, title FROM demo.course ORDER BY id")).StandardOutput
                    == "1\tDatabases\n2\tDistributed systems\n",
                because: "the new reader reads the shared volume", timeout: TimeSpan.FromSeconds(30));
            await AssertReadOnlyAsync(newPort, "INSERT INTO demo.course VALUES (3, 'Storage')");

            // Fail over to it: it is the writer behind the cluster endpoint; the old writer is a reader.
            var failover = await CliAsync("failover", "--target", id, "--data", data, "--output", "json");
            Assert.True(failover.ExitCode == 0, failover.ToString());
            await Eventually.AssertAsync(async () => (await SqlAsync(port, "SELECT @@aurora_server_id")).StandardOutput.Trim() == id,
                because: "the cluster endpoint follows the new writer");
            Assert.Equal(["3"], await RowsAsync(port, "INSERT INTO demo.course VALUES (3, 'Storage'); SELECT COUNT(*) FROM demo.course;"));
            Assert.Equal(["instance-3\t0"], await RowsAsync(newPort, "SELECT @@aurora_server_id, @@read_only"));

            using var status = JsonDocument.Parse((await CliAsync("status", "--data", data, "--output", "json")).StandardOutput);
            var oldWriter = status.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "instance-1");
            Assert.Equal("reader", oldWriter.GetProperty("role").GetString());
            int oldWriterPort = oldWriter.GetProperty("port").GetInt32();
            await Eventually.AssertAsync(async () => (await SqlAsync(oldWriterPort, "SELECT COUNT(*) FROM demo.course")).StandardOutput.Trim() == "3",
                because: "the old writer came back as a reader of the new writer", timeout: TimeSpan.FromSeconds(30));
            await AssertReadOnlyAsync(oldWriterPort, "INSERT INTO demo.course VALUES (4, 'Old writer')");
            Assert.Equal(["1\tDatabases", "2\tDistributed systems", "3\tStorage"], await RowsAsync(port, "SELECT id, title FROM demo.course ORDER BY id"));
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
}
