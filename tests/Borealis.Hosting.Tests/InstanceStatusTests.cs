using System.Net;
using System.Text.Json;
using Borealis.Control;
using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Borealis.Hosting.Tests;

/// <summary>
/// An instance in this process (a writer on a local volume) with its status endpoint on a free port, read as the
/// supervisor's probe reads it: exact counters after a known workload.
/// </summary>
public sealed class InstanceStatusTests : BorealisTest
{
    const string Password = "status-pw";

    static Task<InstanceHost> StartWriterAsync(TempDirectory dir, int? statusPort = 0) => InstanceHost.StartAsync(new InstanceOptions
    {
        Id = "instance-1",
        VolumeDirectory = dir.Combine("volume"),
        EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        AdminPassword = Password,
        Tier = 3,
        StatusPort = statusPort,
        CacheBytes = 16L << 20,
    }, NullLoggerFactory.Instance, TestContext.Current.CancellationToken);

    static Supervisor Prober(TempDirectory dir) => new(new SupervisorOptions(new DataDirectory(dir.Combine("cluster")), 0, Password), NullLoggerFactory.Instance);

    static async Task ExecAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The status, asked again while it does not answer within the client's 500 ms (a loaded CI machine): this test
    /// checks what the status says, not how fast it says it.
    /// </summary>
    static async Task<InstanceStatus> StatusAsync(int port)
    {
        InstanceStatus? status = null;
        await Eventually.AssertAsync(async () => (status = await InstanceStatusClient.TryGetAsync("127.0.0.1", port, TestToken)) is not null,
            because: "the status endpoint answers");
        return status!;
    }

    [Fact]
    public async Task TheProbeReadsTheWritersExactCommitsQueriesAndConnections()
    {
        using var dir = new TempDirectory();
        await using var host = await StartWriterAsync(dir);
        Assert.NotEqual(0, host.StatusPort);
        var spec = new InstanceSpec("instance-1", InstanceRole.Writer, 3, host.Port, 0) { StatusPort = host.StatusPort };
        var supervisor = Prober(dir);

        string connectionString = $"Server=127.0.0.1;Port={host.Port};User ID=admin;Password={Password};SslMode=None;AllowPublicKeyRetrieval=true;Pooling=false";
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(TestToken);
        await ExecAsync(connection, "CREATE DATABASE s");
        await ExecAsync(connection, "CREATE TABLE s.t (id INT PRIMARY KEY, v VARCHAR(20))");
        // Read as the probe does, without its greeting connection, so that connections count exactly.
        var before = (await StatusAsync(host.StatusPort));

        for (int i = 1; i <= 25; i++)
            await ExecAsync(connection, $"INSERT INTO s.t VALUES ({i}, 'row {i}')");
        for (int i = 0; i < 10; i++)
        {
            await using var count = new MySqlCommand("SELECT COUNT(*) FROM s.t", connection);
            Assert.Equal(25L, Convert.ToInt64(await count.ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture));
        }
        await ExecAsync(connection, "BEGIN; INSERT INTO s.t VALUES (26, 'a'); INSERT INTO s.t VALUES (27, 'b'); COMMIT");

        var after = (await StatusAsync(host.StatusPort));
        Assert.Equal(("instance-1", InstanceRole.Writer, 3, Environment.ProcessId), (after.Id, after.Role, after.Tier, after.Pid));
        // 25 autocommit inserts and one transaction; 25 + 10 + the 4 statements of the last query.
        Assert.Equal(26, after.Commits - before.Commits);
        Assert.Equal(39, after.Queries - before.Queries);
        Assert.Equal((1, before.ConnectionsTotal), (after.Connections, after.ConnectionsTotal));
        Assert.True(after.CommittedLsn > before.CommittedLsn && after.DurableLsn == after.CommittedLsn, $"committed {after.CommittedLsn}, durable {after.DurableLsn}");
        Assert.True(after.BufferCacheHits > before.BufferCacheHits, "the selects read cached pages");
        Assert.Equal(Math.Round((double)after.BufferCacheHits / (after.BufferCacheHits + after.BufferCacheMisses), 4), after.BufferCacheHitRatio);
        Assert.Null(after.Replica);

        for (int i = 0; i < 2; i++)
        {
            await using var more = new MySqlConnection(connectionString);
            await more.OpenAsync(TestToken);
            // The server ends the previous round's session after its client closed it: not necessarily yet.
            await Eventually.AssertAsync(async () => (await StatusAsync(host.StatusPort)).Connections == 2, because: "this connection and the first one count");
        }
        await Eventually.AssertAsync(async () => (await StatusAsync(host.StatusPort)).Connections == 1,
            because: "the two closed connections leave the count");
        Assert.Equal(before.ConnectionsTotal + 2, (await StatusAsync(host.StatusPort)).ConnectionsTotal);
        after = (await StatusAsync(host.StatusPort));

        // The supervisor's probe: the greeting, and the same counters from the status endpoint (a writer has no lag).
        InstanceProbe probe = default!;
        await Eventually.AssertAsync(async () => (probe = await supervisor.ProbeAsync(spec, TestToken)).Status is not null, because: "the probe reads the status");
        Assert.Equal((true, null), (probe.Answering, probe.LagMs));
        Assert.Equal((after.Commits, after.Queries, after.CommittedLsn), (probe.Status!.Commits, probe.Status.Queries, probe.Status.CommittedLsn));
        // Its greeting connection is accepted (connections_total) but never a session (connections).
        Assert.Equal(1, probe.Status.Connections);
    }

    [Fact]
    public async Task TheEndpointAnswersJsonInSnakeCaseAndTheProbeIgnoresAnotherInstancesStatus()
    {
        using var dir = new TempDirectory();
        await using var host = await StartWriterAsync(dir);
        using var http = new HttpClient();
        var json = await http.GetStringAsync(new Uri($"http://127.0.0.1:{host.StatusPort}/v1/status"), TestToken);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(("instance-1", "writer", 3), (root.GetProperty("id").GetString(), root.GetProperty("role").GetString(), root.GetProperty("tier").GetInt32()));
        Assert.Equal(
            ["id", "role", "tier", "pid", "uptime_seconds", "committed_lsn", "durable_lsn", "commits", "queries", "connections", "connections_total",
             "buffer_cache_hits", "buffer_cache_misses", "buffer_cache_hit_ratio", "replica"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("replica").ValueKind);
        using (var missing = await http.GetAsync(new Uri($"http://127.0.0.1:{host.StatusPort}/v1/nothing"), TestToken))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // A status port that now belongs to another instance, or where nothing listens: the probe has no status.
        var supervisor = Prober(dir);
        var other = await supervisor.ProbeAsync(new InstanceSpec("instance-9", InstanceRole.Reader, 1, host.Port, 0) { StatusPort = host.StatusPort }, TestToken);
        Assert.Equal((true, null, null), (other.Answering, other.LagMs, other.Status));
        var none = await supervisor.ProbeAsync(new InstanceSpec("instance-1", InstanceRole.Writer, 1, host.Port, 0) { StatusPort = FreePort.Next() }, TestToken);
        Assert.Equal((true, null), (none.Answering, none.Status));
    }

    [Fact]
    public async Task AnInstanceWhoseStatusPortIsTakenServesWithoutIt()
    {
        using var dir = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        await using var host = await StartWriterAsync(dir, ((IPEndPoint)taken.LocalEndpoint).Port);
        Assert.Equal(0, host.StatusPort);
        Assert.True(await PortProbe.AnswersMySqlAsync("127.0.0.1", host.Port, TestToken));
    }
}
