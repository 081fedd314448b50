using System.Text.Json;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>The operator commands on real processes: up --detach, status, down, restart on the same data, bad input.</summary>
public sealed class CliTests : BorealisTest
{
    static Task<ExternalProcess.Result> RunCliAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task UpStatusDownAndRestartKeepTheData()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        try
        {
            var up = await RunCliAsync("up", "--data", data, "--port", P(port), "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains($"127.0.0.1:{port}", up.StandardOutput, StringComparison.Ordinal);

            // A generated password is printed once and kept with mode 0600.
            var passwordFile = Path.Combine(data, "admin-password");
            var password = (await File.ReadAllTextAsync(passwordFile, TestToken)).Trim();
            Assert.Contains(password, up.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));

            var status = await RunCliAsync("status", "--data", data, "--output", "json");
            Assert.True(status.ExitCode == 0, status.ToString());
            using (var json = JsonDocument.Parse(status.StandardOutput))
            {
                Assert.True(json.RootElement.GetProperty("running").GetBoolean());
                var writer = json.RootElement.GetProperty("processes")[0];
                Assert.Equal("writer", writer.GetProperty("role").GetString());
                Assert.Equal("running", writer.GetProperty("state").GetString());
                // The cluster port is the router's; the writer has an endpoint of its own.
                Assert.NotEqual(port, writer.GetProperty("port").GetInt32());
                Assert.True(writer.GetProperty("pid").GetInt32() > 0);
                var router = json.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("role").GetString() == "router");
                Assert.Equal(("running", port), (router.GetProperty("state").GetString(), router.GetProperty("port").GetInt32()));
            }
            var text = await RunCliAsync("status", "--data", data);
            Assert.Contains("instance-1", text.StandardOutput, StringComparison.Ordinal);

            await using (var connection = await OpenAsync(port, password))
            {
                await new MySqlCommand("CREATE DATABASE keep; CREATE TABLE keep.t (v VARCHAR(10)); INSERT INTO keep.t VALUES ('kept')", connection).ExecuteNonQueryAsync(TestToken);
            }

            // A second up on the same directory is refused in one line.
            var again = await RunCliAsync("up", "--data", data, "--port", P(FreePort.ForCluster()), "--detach");
            Assert.Equal(1, again.ExitCode);
            Assert.StartsWith("error: ", again.StandardError, StringComparison.Ordinal);

            var down = await RunCliAsync("down", "--data", data);
            Assert.True(down.ExitCode == 0, down.ToString());
            var stopped = await RunCliAsync("status", "--data", data, "--output", "json");
            using (var json = JsonDocument.Parse(stopped.StandardOutput))
                Assert.False(json.RootElement.GetProperty("running").GetBoolean());

            // Reopening the directory reopens the data, with the kept password.
            var reopened = await RunCliAsync("up", "--data", data, "--port", P(port), "--detach");
            Assert.True(reopened.ExitCode == 0, reopened.ToString());
            Assert.DoesNotContain(password, reopened.StandardOutput, StringComparison.Ordinal);
            await using (var connection = await OpenAsync(port, password))
            {
                Assert.Equal("kept", await new MySqlCommand("SELECT v FROM keep.t", connection).ExecuteScalarAsync(TestToken));
            }
        }
        finally
        {
            await RunCliAsync("down", "--data", data);
        }
    }

    [Fact]
    public async Task TheSupervisorRestartsAKilledInstanceAndNothingAcknowledgedIsLost()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        try
        {
            // No reader: with one, a killed writer fails over instead of restarting in place (ControlPlaneCliTests).
            var up = await RunCliAsync("up", "--data", data, "--port", P(port), "--password", "pw", "--readers", "0", "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            await using (var connection = await OpenAsync(port, "pw"))
            {
                await new MySqlCommand("CREATE DATABASE r; CREATE TABLE r.t (v INT); INSERT INTO r.t VALUES (1), (2), (3)", connection).ExecuteNonQueryAsync(TestToken);
            }

            int pid = await WriterPidAsync(data);
            Assert.True(pid > 0);
            System.Diagnostics.Process.GetProcessById(pid).Kill();

            // The supervisor notices, restarts the instance on the same volume, and counts the restart.
            await Eventually.AssertAsync(async () =>
            {
                int now = await WriterPidAsync(data);
                return now > 0 && now != pid && await Hosting.PortProbe.IsListeningAsync("127.0.0.1", port, TestToken);
            }, TimeSpan.FromSeconds(60), "the writer is restarted");
            var status = await RunCliAsync("status", "--data", data, "--output", "json");
            using (var json = JsonDocument.Parse(status.StandardOutput))
                Assert.Equal(1, json.RootElement.GetProperty("processes")[0].GetProperty("restarts").GetInt32());

            await using (var connection = await OpenAsync(port, "pw"))
            {
                Assert.Equal(6L, Convert.ToInt64(await new MySqlCommand("SELECT SUM(v) FROM r.t", connection).ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            await RunCliAsync("down", "--data", data);
        }
    }

    static async Task<int> WriterPidAsync(string data)
    {
        var status = await RunCliAsync("status", "--data", data, "--output", "json");
        using var json = JsonDocument.Parse(status.StandardOutput);
        var writer = json.RootElement.GetProperty("processes")[0];
        return writer.GetProperty("state").GetString() == "running" ? writer.GetProperty("pid").GetInt32() : 0;
    }

    [Fact]
    public async Task ABusyPortIsAOneLineError()
    {
        using var dir = new TempDirectory();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        var up = await RunCliAsync("up", "--data", dir.Combine("data"), "--port", P(port), "--password", "pw", "--detach");
        Assert.Equal(1, up.ExitCode);
        Assert.Equal($"error: port {port} on 127.0.0.1 is already in use; choose another with --port", up.StandardError.Trim());
    }

    [Fact]
    public async Task AnUnusableDataDirectoryIsAOneLineError()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("not-a-dir");
        await File.WriteAllTextAsync(file, "x", TestToken);

        var up = await RunCliAsync("up", "--data", file, "--port", P(FreePort.ForCluster()), "--password", "pw", "--detach");
        Assert.Equal(1, up.ExitCode);
        var line = Assert.Single(up.StandardError.Trim().Split('\n'));
        Assert.StartsWith("error: data directory", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("status")]
    [InlineData("down")]
    [InlineData("instance")]
    [InlineData("control")]
    [InlineData("failover")]
    [InlineData("storage")]
    public async Task EveryCommandHasHelp(string command)
    {
        var help = await RunCliAsync(command, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Usage", help.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UpValidatesReadersAndZonesAgainstTheDefaultFleet()
    {
        using var dir = new TempDirectory();
        // Without --storage-nodes the fleet is the default 6 nodes: readers are allowed, and the zones are checked.
        var zones = await RunCliAsync("up", "--data", dir.Combine("data"), "--readers", "2", "--zones", "2", "--detach");
        Assert.NotEqual(0, zones.ExitCode);
        Assert.Contains("--zones must be at least 3", zones.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("readers need quorum storage", zones.StandardError, StringComparison.Ordinal);

        var local = await RunCliAsync("up", "--data", dir.Combine("data"), "--readers", "2", "--storage-nodes", "0", "--detach");
        Assert.NotEqual(0, local.ExitCode);
        Assert.Contains("readers need quorum storage", local.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("data")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1025")]
    public async Task AStorageNodeRefusesAnUnusableCheckpointSize(string megabytes)
    {
        using var dir = new TempDirectory();
        var result = await RunCliAsync("storage", "--data", dir.Combine("node"), "--node-id", "1", "--zone", "a", "--checkpoint-mb", megabytes);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --checkpoint-mb must be between 1 and 1024 (got {megabytes})", result.StandardError.Trim());
        Assert.False(Directory.Exists(dir.Combine("node")), "nothing was created");
    }

    [Fact]
    public async Task AnUnknownFlagIsRejected()
    {
        var result = await RunCliAsync("up", "--no-such-flag");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--no-such-flag", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    static async Task<MySqlConnection> OpenAsync(int port, string password)
    {
        var connection = new MySqlConnection($"Server=127.0.0.1;Port={port};User ID=admin;Password={password};SslMode=None;AllowPublicKeyRetrieval=true;Pooling=false;AllowUserVariables=true");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
