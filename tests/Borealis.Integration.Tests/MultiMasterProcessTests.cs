using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Multi-master on real processes: 6 storage nodes, the volume service, 2-4 writer processes; clients on each
/// writer's endpoint with MySqlConnector. The documents' drill (alternating inserts, both writers crashed in turn),
/// transfers with 1213 retried by the client, and no false conflicts between writers on different tables.
/// </summary>
public sealed class MultiMasterProcessTests : BorealisTest
{
    static async Task<StorageCluster> StartAsync(int writers)
    {
        var cluster = await StorageCluster.StartAsync(writer: false);
        try
        {
            await cluster.StartVolumeServiceAsync();
            for (int i = 1; i <= writers; i++)
                await cluster.StartSharedWriterAsync($"writer-{i}");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    static async Task<long> CountAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task ExecAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestToken);
    }

    /// <summary>An open connection (autocommit off) to the instance on <paramref name="port"/>, retried while it restarts.</summary>
    static async Task<MySqlConnection> ConnectAsync(int port, string id)
    {
        MySqlConnection? connected = null;
        await Eventually.AssertAsync(async () =>
        {
            var connection = new MySqlConnection(TestConnection.String(port, ClusterProcess.Password, "drill", commandTimeout: 30, pooling: false));
            try
            {
                await connection.OpenAsync(TestToken);
                await ExecAsync(connection, "SET autocommit = 0");
                connected = connection;
                return true;
            }
            catch (MySqlException)
            {
                await connection.DisposeAsync();
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{id} accepts connections");
        return connected!;
    }

    /// <summary>
    /// The documents' drill, on <c>up --writers 2</c>: one client alternates single-row inserts (a transaction each,
    /// autocommit off) into a table without a primary key between the two writers' endpoints, retries a failed insert
    /// once on the other writer, and checks (reconnecting) both connections after every step; writer 1 and later
    /// writer 2 are crashed with ALTER SYSTEM CRASH and the supervisor restarts each in place. At the end both writers
    /// return exactly the rows the client was told were committed.
    /// </summary>
    [Fact]
    public async Task TheDrillAlternatingInsertsWhileEachWriterIsCrashedKeepsExactlyTheCommittedRows()
    {
        await using var cluster = await ClusterProcess.UpAsync(readers: 0, writers: 2);
        try
        {
            string[] ids = ["instance-1", "instance-2"];
            var before = new List<int>();
            var ports = new int[2];
            for (int w = 0; w < 2; w++)
            {
                var instance = await cluster.InstanceAsync(ids[w]);
                Assert.Equal("writer", instance.GetProperty("role").GetString());
                ports[w] = instance.GetProperty("port").GetInt32();
                before.Add(instance.GetProperty("pid").GetInt32());
            }
            // The cluster endpoint balances new connections over the writers.
            var seen = new HashSet<string>();
            for (int i = 0; i < 4; i++)
            {
                await using var connection = await ClusterProcess.OpenAsync(cluster.Port);
                seen.Add((await ClusterProcess.IdentityAsync(connection)).ServerId);
            }
            Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
            // Each writer is itself: read-write, its own host name; each lists both writers in replica_host_status.
            var hostnames = new HashSet<string>();
            foreach (int port in ports)
            {
                await using var connection = await ClusterProcess.OpenAsync(port);
                Assert.Equal(0L, await ClusterProcess.ScalarAsync<long>(connection, "SELECT @@innodb_read_only"));
                hostnames.Add(await ClusterProcess.ScalarAsync<string>(connection, "SELECT @@hostname"));
                await Eventually.AssertAsync(async () => await ClusterProcess.ScalarAsync<string>(connection,
                    "SELECT GROUP_CONCAT(SERVER_ID ORDER BY SERVER_ID) FROM information_schema.replica_host_status") == "instance-1,instance-2",
                    because: "the writers are listed once the volume service has told them (every second)");
            }
            Assert.Equal(2, hostnames.Count);

            await using (var setup = await ClusterProcess.OpenAsync(ports[0]))
            {
                await ExecAsync(setup, "CREATE DATABASE drill");
                await ExecAsync(setup, "CREATE TABLE drill.t (v INT NOT NULL, writer VARCHAR(16))"); // no primary key
            }
            var connections = new MySqlConnection?[2];
            for (int w = 0; w < 2; w++)
                connections[w] = await ConnectAsync(ports[w], ids[w]);

            var committed = new List<int>();
            var restarted = new List<double>();
            for (int i = 1; i <= 100; i++)
            {
                if (i is 30 or 65)
                {
                    int victim = i == 30 ? 0 : 1;
                    var crash = System.Diagnostics.Stopwatch.StartNew();
                    await Assert.ThrowsAsync<MySqlException>(() => ExecAsync(connections[victim]!, "ALTER SYSTEM CRASH INSTANCE"));
                    await DropAsync(connections, victim);
                    // The supervisor restarts the crashed writer in place (no failover: the other one keeps serving).
                    await Eventually.AssertAsync(async () =>
                    {
                        var instance = await cluster.InstanceAsync(ids[victim]);
                        return instance.GetProperty("healthy").GetBoolean() && instance.GetProperty("pid").GetInt32() != before[victim];
                    }, TimeSpan.FromSeconds(30), $"{ids[victim]} runs again");
                    restarted.Add(crash.Elapsed.TotalSeconds);
                    Assert.Equal("writer", (await cluster.InstanceAsync(ids[victim])).GetProperty("role").GetString());
                }
                int first = i % 2;
                foreach (int w in new[] { first, 1 - first })
                {
                    try
                    {
                        connections[w] ??= await ConnectAsync(ports[w], ids[w]);
                        await ExecAsync(connections[w]!, $"INSERT INTO t VALUES ({i}, '{ids[w]}')");
                        await ExecAsync(connections[w]!, "COMMIT");
                        committed.Add(i);
                        break;
                    }
                    catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
                    {
                        await DropAsync(connections, w);
                    }
                }
                for (int w = 0; w < 2; w++)
                {
                    try
                    {
                        connections[w] ??= await ConnectAsync(ports[w], ids[w]);
                        Assert.Equal(1, await CountAsync(connections[w]!, "SELECT 1"));
                    }
                    catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
                    {
                        await DropAsync(connections, w);
                    }
                }
            }
            TestContext.Current.SendDiagnosticMessage($"writers back after ALTER SYSTEM CRASH in {string.Join(", ", restarted.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s; {committed.Count} of 100 committed");
            Assert.Equal(100, committed.Count);

            foreach (var (id, port) in ids.Zip(ports))
            {
                await using var check = await ConnectAsync(port, id);
                await ExecAsync(check, "SET SESSION aurora_mm_session_consistency_level = 'REGIONAL_RAW'");
                await using var command = new MySqlCommand("SELECT v FROM t ORDER BY v", check);
                var rows = new List<int>();
                await using (var reader = await command.ExecuteReaderAsync(TestToken))
                {
                    while (await reader.ReadAsync(TestToken))
                        rows.Add(reader.GetInt32(0));
                }
                Assert.Equal(committed, rows);
            }
            foreach (var connection in connections)
            {
                if (connection is not null)
                    await connection.DisposeAsync();
            }

            // A third writer joins the running cluster, serves every row, and leaves again; readers are refused.
            var refused = await ClusterProcess.CliAsync("instance", "add", "--role", "reader", "--data", cluster.Data);
            Assert.True(refused.ExitCode != 0 && refused.StandardError.Contains("no readers", StringComparison.Ordinal), refused.ToString());
            var added = await ClusterProcess.CliAsync("instance", "add", "--role", "writer", "--data", cluster.Data);
            Assert.True(added.ExitCode == 0, added.ToString());
            await Eventually.AssertAsync(async () => (await cluster.EndpointsAsync()).GetProperty("writers").GetArrayLength() == 3, TimeSpan.FromSeconds(30), "instance-3 serves as a writer");
            int third = (await cluster.InstanceAsync("instance-3")).GetProperty("port").GetInt32();
            await using (var check = await ConnectAsync(third, "instance-3"))
            {
                await ExecAsync(check, $"INSERT INTO t VALUES (101, 'instance-3')");
                await ExecAsync(check, "COMMIT");
                Assert.Equal(101, await CountAsync(check, "SELECT COUNT(*) FROM t"));
            }
            var removed = await ClusterProcess.CliAsync("instance", "remove", "instance-3", "--data", cluster.Data);
            Assert.True(removed.ExitCode == 0, removed.ToString());
            await Eventually.AssertAsync(async () => (await cluster.EndpointsAsync()).GetProperty("writers").GetArrayLength() == 2, TimeSpan.FromSeconds(30), "instance-3 is gone");
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(cluster.Data, ex);
        }
    }

    static async Task DropAsync(MySqlConnection?[] connections, int w)
    {
        if (connections[w] is { } c)
            await c.DisposeAsync();
        connections[w] = null;
    }

    [Fact]
    public async Task TransfersOnTwoWritersRetry1213AndKeepTheTotalOnBoth()
    {
        await using var cluster = await StartAsync(2);
        await using (var setup = await cluster.OpenAsync("writer-1"))
        {
            await ExecAsync(setup, "CREATE DATABASE bank");
            await ExecAsync(setup, "CREATE TABLE bank.account (id INT PRIMARY KEY, balance INT NOT NULL)");
            await ExecAsync(setup, "INSERT INTO bank.account VALUES " + string.Join(",", Enumerable.Range(1, 10).Select(i => $"({i}, 1000)")));
        }
        long deadlocks = 0, transfers = 0, checks = 0;
        using var stop = new CancellationTokenSource();
        var movers = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            await using var connection = await cluster.OpenAsync(n % 2 == 0 ? "writer-1" : "writer-2", "bank");
            var random = new Random(n);
            for (int i = 0; i < 60; i++)
            {
                int from = random.Next(1, 11), to = random.Next(1, 11), amount = random.Next(1, 50);
                while (true)
                {
                    try
                    {
                        await ExecAsync(connection, "BEGIN");
                        await ExecAsync(connection, $"UPDATE account SET balance = balance - {amount} WHERE id = {from}");
                        await ExecAsync(connection, $"UPDATE account SET balance = balance + {amount} WHERE id = {to}");
                        await ExecAsync(connection, "COMMIT");
                        Interlocked.Increment(ref transfers);
                        break;
                    }
                    catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.LockDeadlock)
                    {
                        Interlocked.Increment(ref deadlocks);
                    }
                }
            }
        }, TestToken)).ToArray();
        var checkers = new[] { "writer-1", "writer-2" }.Select(id => Task.Run(async () =>
        {
            await using var connection = await cluster.OpenAsync(id, "bank");
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(10_000, await CountAsync(connection, "SELECT SUM(balance) FROM account"));
                Interlocked.Increment(ref checks);
            }
        }, TestToken)).ToArray();
        await Task.WhenAll(movers);
        await stop.CancelAsync();
        await Task.WhenAll(checkers);
        TestContext.Current.SendDiagnosticMessage($"{transfers} transfers, {deadlocks} retried after 1213, {checks} totals checked");
        Assert.Equal(240, transfers);
        Assert.True(checks > 2);
        foreach (var id in new[] { "writer-1", "writer-2" })
        {
            await using var connection = await cluster.OpenAsync(id, "bank");
            await ExecAsync(connection, "SET SESSION aurora_mm_session_consistency_level = 'REGIONAL_RAW'");
            Assert.Equal(10_000, await CountAsync(connection, "SELECT SUM(balance) FROM account"));
        }
    }

    [Fact]
    public async Task FourWritersOnFourTablesGetNo1213()
    {
        await using var cluster = await StartAsync(4);
        await using (var setup = await cluster.OpenAsync("writer-1"))
        {
            await ExecAsync(setup, "CREATE DATABASE load");
            for (int t = 1; t <= 4; t++)
                await ExecAsync(setup, $"CREATE TABLE load.t{t} (id INT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(100) NOT NULL)");
        }
        const int rows = 200;
        await Task.WhenAll(Enumerable.Range(1, 4).Select(w => Task.Run(async () =>
        {
            await using var connection = await cluster.OpenAsync($"writer-{w}", "load");
            for (int i = 0; i < rows; i++)
                await ExecAsync(connection, $"INSERT INTO t{w} (payload) VALUES (REPEAT('p', 80))");
        }, TestToken)));
        for (int w = 1; w <= 4; w++)
        {
            await using var connection = await cluster.OpenAsync($"writer-{w}", "load");
            await ExecAsync(connection, "SET SESSION aurora_mm_session_consistency_level = 'REGIONAL_RAW'");
            for (int t = 1; t <= 4; t++)
                Assert.Equal(rows * (rows + 1) / 2, await CountAsync(connection, $"SELECT SUM(id) FROM t{t}"));
        }
    }
}
