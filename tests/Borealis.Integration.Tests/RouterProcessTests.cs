using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A real <c>borealis router</c> in front of three real instances (separate local volumes stand in for a writer and
/// two readers), driven by MySqlConnector: the MySQL handshake (and TLS) passes through the proxy, the cluster
/// endpoint reaches the writer, the reader endpoint alternates between the readers, and moving the roles closes
/// the connections to the old roles while new connections follow the new ones.
/// </summary>
public sealed class RouterProcessTests : BorealisTest
{
    static string Through(InstanceProcess instance, int port, MySqlSslMode ssl = MySqlSslMode.None) =>
        new MySqlConnectionStringBuilder(instance.ConnectionString()) { Port = (uint)port, SslMode = ssl }.ConnectionString;

    static async Task<MySqlConnection> OpenAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    static async Task<string> ServerIdAsync(MySqlConnection connection) =>
        (string)(await new MySqlCommand("SELECT @@aurora_server_id", connection).ExecuteScalarAsync(TestContext.Current.CancellationToken))!;

    [Fact]
    public async Task EndpointsFollowTheRolesAndARoleChangeClosesConnectionsToTheOldRole()
    {
        var starting = new[] { "instance-1", "instance-2", "instance-3" }.Select(id => InstanceProcess.StartAsync(id)).ToArray();
        await using var a = await starting[0];
        await using var b = await starting[1];
        await using var c = await starting[2];
        await using var router = await RouterProcess.StartAsync(a, b, c);

        // Cluster endpoint: the writer, end to end (TLS included), and writes land on it.
        // SslMode.Required: the open fails unless the instance's TLS handshake went through the proxy.
        await using (var tls = await OpenAsync(Through(a, router.ClusterPort, MySqlSslMode.Required)))
        {
            Assert.Equal("instance-1", await ServerIdAsync(tls));
        }
        await using var toWriter = await OpenAsync(Through(a, router.ClusterPort));
        Assert.Equal("instance-1", await ServerIdAsync(toWriter));
        await new MySqlCommand("CREATE DATABASE routed; CREATE TABLE routed.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO routed.t VALUES (1, 'via router')", toWriter)
            .ExecuteNonQueryAsync(TestToken);
        await using (var direct = await a.OpenAsync())
            Assert.Equal("via router", await new MySqlCommand("SELECT v FROM routed.t WHERE id = 1", direct).ExecuteScalarAsync(TestToken));

        // Reader endpoint: the two readers in turn, never the writer.
        await using var reader1 = await OpenAsync(Through(a, router.ReaderPort));
        await using var reader2 = await OpenAsync(Through(a, router.ReaderPort));
        var readerIds = new[] { await ServerIdAsync(reader1), await ServerIdAsync(reader2) };
        Assert.Equal(["instance-2", "instance-3"], readerIds.Order());
        var toB = readerIds[0] == "instance-2" ? reader1 : reader2;
        var toC = readerIds[0] == "instance-2" ? reader2 : reader1;

        // instance-2 is promoted, instance-1 becomes a reader.
        await router.SetEndpointsAsync(2, b, a, c);

        // The old writer's connection is closed by the router: the next query fails (until the router has read the
        // file, it still answers from instance-1, never from another instance).
        Exception? writerLost = null;
        await Eventually.AssertAsync(async () =>
        {
            try
            {
                Assert.Equal("instance-1", await ServerIdAsync(toWriter));
                return false;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                writerLost = ex;
                return true;
            }
        }, TimeSpan.FromSeconds(10), "the cluster connection to the old writer is closed");
        // A client-side "lost connection": MySqlConnector reports it as MySqlException "Failed to read the result set."
        // when the close arrives while it reads, or as the socket error when it arrives while it writes.
        Assert.True(writerLost is MySqlException { Message: "Failed to read the result set." } or IOException or System.Net.Sockets.SocketException, writerLost!.ToString());
        Assert.NotEqual(System.Data.ConnectionState.Open, toWriter.State);
        // Likewise the connection to instance-2 through the reader endpoint (it is the writer now); the router closes
        // the connections of one change one after the other, so this one may still answer for a moment.
        Exception? readerLost = null;
        await Eventually.AssertAsync(async () =>
        {
            try
            {
                Assert.Equal("instance-2", await ServerIdAsync(toB));
                return false;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                readerLost = ex;
                return true;
            }
        }, TimeSpan.FromSeconds(10), "the reader-endpoint connection to the new writer is closed");
        Assert.True(readerLost is MySqlException { Message: "Failed to read the result set." } or IOException or System.Net.Sockets.SocketException, readerLost!.ToString());
        Assert.Equal("instance-3", await ServerIdAsync(toC));

        await using var newWriter = await OpenAsync(Through(a, router.ClusterPort));
        Assert.Equal("instance-2", await ServerIdAsync(newWriter));
        Assert.Equal(0L, await new MySqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'routed'", newWriter).ExecuteScalarAsync(TestToken));
        await using var newReader1 = await OpenAsync(Through(a, router.ReaderPort));
        await using var newReader2 = await OpenAsync(Through(a, router.ReaderPort));
        Assert.Equal(["instance-1", "instance-3"], new[] { await ServerIdAsync(newReader1), await ServerIdAsync(newReader2) }.Order());
    }

    [Fact]
    public async Task BadFlagsExitOneAndABusyPortExitsTwo()
    {
        var neither = await ExternalProcess.RunAsync(BorealisExecutable.Path, ["router", "--port", "4000"]);
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("give exactly one of --control URL (the control plane) and --endpoints-file FILE", neither.StandardError, StringComparison.Ordinal);

        using var dir = new TempDirectory("borealis-router");
        var file = dir.Combine("endpoints.json");
        await File.WriteAllTextAsync(file, """{"version":1,"writer":null,"readers":[]}""", TestToken);
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var taken = await ExternalProcess.RunAsync(BorealisExecutable.Path,
            ["router", "--endpoints-file", file, "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--reader-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains($"error: Cannot listen on 127.0.0.1:{port}: the port is already in use.", taken.StandardError, StringComparison.Ordinal);
    }
}
