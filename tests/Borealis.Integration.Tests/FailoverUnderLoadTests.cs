using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Automatic failover of a real local cluster (<c>up</c>: 6 storage nodes, control plane, router, a writer and a
/// reader) while clients write through the cluster endpoint: a writer killed (SIGKILL) or frozen (SIGSTOP) is
/// replaced by the reader without losing an acknowledged row, the old writer comes back as a reader, and a frozen
/// writer's late commit is fenced by the new writer's epoch.
/// </summary>
public sealed class FailoverUnderLoadTests : BorealisTest
{
    const string Password = "failover-pw";

    readonly Stopwatch _clock = Stopwatch.StartNew();

    static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes how long the test has run into its output (the phases' durations, for the record).</summary>
    void Phase(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    static string ConnectionString(int port, int commandTimeout = 15) => TestConnection.String(port, Password, commandTimeout: commandTimeout);

    static async Task<MySqlConnection> OpenAsync(int port, int commandTimeout = 15)
    {
        var connection = new MySqlConnection(ConnectionString(port, commandTimeout));
        await connection.OpenAsync(TestToken);
        return connection;
    }

    static async Task<object?> ScalarAsync(int port, string sql)
    {
        await using var connection = await OpenAsync(port);
        return await new MySqlCommand(sql, connection).ExecuteScalarAsync(TestToken);
    }

    /// <summary>An instance as <c>status --output json</c> shows it.</summary>
    sealed record Instance(string Id, string Role, int Port, int Pid, string State, bool Healthy);

    static async Task<Instance> StatusOfAsync(string data, string id)
    {
        var status = await LocalClusterCli.RunAsync("status", "--data", data, "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.StandardOutput);
        var p = json.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
        return new Instance(id, p.GetProperty("role").GetString()!, p.GetProperty("port").GetInt32(), p.GetProperty("pid").GetInt32(),
            p.GetProperty("state").GetString()!, p.GetProperty("healthy") is { ValueKind: JsonValueKind.True });
    }

    /// <summary>Starts <c>up --detach</c> (a writer and, by default, one reader) and waits until the reader is healthy: a failover needs one.</summary>
    async Task StartClusterAsync(string data, int port)
    {
        _clock.Restart();
        // The control API on its default port, port + 2, which FreePort.ForCluster found free with the endpoints.
        var up = await LocalClusterCli.RunAsync("up", "--data", data, "--port", P(port), "--password", Password, "--detach");
        Assert.True(up.ExitCode == 0, up.ToString());
        Phase("up returned");
        await Eventually.AssertAsync(async () => (await StatusOfAsync(data, "instance-2")).Healthy, because: "the reader is healthy");
        Phase("the reader is healthy");
    }

    static async Task SignalAsync(int pid, string signal, bool mayBeGone = false)
    {
        var kill = await ExternalProcess.RunAsync("kill", [$"-{signal}", P(pid)]);
        Assert.True(kill.ExitCode == 0 || (mayBeGone && !ProcessExists(pid)), kill.ToString());
    }

    /// <summary>The instance is back as a reader: <c>status</c> says so and its own endpoint refuses an insert with 1290.</summary>
    static async Task AssertRejoinedAsReaderAsync(string data, string id, int oldPid)
    {
        await Eventually.AssertAsync(async () => await StatusOfAsync(data, id) is { Role: "reader", State: "running", Healthy: true } i && i.Pid != oldPid,
            TimeSpan.FromSeconds(40), $"{id} is back as a reader (a new process)");
        var instance = await StatusOfAsync(data, id);
        await using var connection = await OpenAsync(instance.Port);
        Assert.Equal(id, await new MySqlCommand("SELECT @@aurora_server_id", connection).ExecuteScalarAsync(TestToken));
        var refused = await Assert.ThrowsAsync<MySqlException>(() => new MySqlCommand("INSERT INTO fo.row (id, client) VALUES (-1, -1)", connection).ExecuteNonQueryAsync(TestToken));
        Assert.Equal(MySqlErrorCode.OptionPreventsStatement, refused.ErrorCode);
    }

    [Fact]
    public async Task AKilledWriterFailsOverUnderLoadAndEveryAcknowledgedRowIsOnTheNewWriterAndTheOldOne()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        try
        {
            await StartClusterAsync(data, port);
            await using (var setup = await OpenAsync(port))
                await new MySqlCommand(UniqueInsertLoad.CreateTable, setup).ExecuteNonQueryAsync(TestToken);

            await using var load = new UniqueInsertLoad(() => ConnectionString(port));
            await Eventually.AssertAsync(() => load.Acknowledged >= 200, because: "clients are committing through the cluster endpoint");

            var writer = await StatusOfAsync(data, "instance-1");
            Assert.Equal(("writer", "running"), (writer.Role, writer.State));
            long killed = Stopwatch.GetTimestamp();
            Process.GetProcessById(writer.Pid).Kill();
            Phase($"writer killed with {load.Acknowledged} rows acknowledged");

            await Eventually.AssertAsync(async () => await StatusOfAsync(data, "instance-2") is { Role: "writer", State: "running" },
                because: "the reader is promoted");
            long promoted = Stopwatch.GetTimestamp();
            Phase("instance-2 is the writer");
            await Eventually.AssertAsync(() => load.AcknowledgedAfter(promoted) >= 200, because: "commits resume through the cluster endpoint");
            Phase($"commits resumed: no commit for {load.LongestGapAfter(killed).TotalMilliseconds:0} ms around the kill");
            Assert.Equal("instance-2", await ScalarAsync(port, "SELECT @@aurora_server_id"));

            await AssertRejoinedAsReaderAsync(data, "instance-1", writer.Pid);
            Phase("instance-1 is back as a reader");

            await load.StopAsync();
            Phase($"{load.Acknowledged} acknowledged, {load.InDoubt.Count} in doubt, {load.Errors} failed attempts, {load.DecidedByDuplicate} decided by 1062");
            HashSet<long> onWriter;
            await using (var check = await OpenAsync(port))
            {
                Assert.Equal("instance-2", await new MySqlCommand("SELECT @@aurora_server_id", check).ExecuteScalarAsync(TestToken));
                onWriter = await load.VerifyAsync(check, TestToken);
            }

            // The reader endpoint leads to the old writer, now a reader: once caught up it has the same rows.
            await Eventually.AssertAsync(async () =>
            {
                await using var reader = await OpenAsync(port + 1);
                if (!Equals(await new MySqlCommand("SELECT @@aurora_server_id", reader).ExecuteScalarAsync(TestToken), "instance-1"))
                    return false;
                return Convert.ToInt64(await new MySqlCommand("SELECT COUNT(*) FROM fo.row", reader).ExecuteScalarAsync(TestToken), CultureInfo.InvariantCulture) == onWriter.Count;
            }, because: "the old writer, now a reader behind the reader endpoint, catches up");
            await using (var reader = await OpenAsync(port + 1))
            {
                Assert.Equal("instance-1", await new MySqlCommand("SELECT @@aurora_server_id", reader).ExecuteScalarAsync(TestToken));
                Assert.Equal(onWriter, await load.VerifyAsync(reader, TestToken));
            }
            Phase("the reader endpoint has every row");
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(data, ex);
        }
        finally
        {
            await LocalClusterCli.RunAsync("down", "--data", data);
        }
    }

    [Fact]
    public async Task AFrozenWriterIsReplacedAndTheCommitItReceivedWhileFrozenIsFenced()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        int port = FreePort.ForCluster();
        try
        {
            await StartClusterAsync(data, port);
            var acknowledged = new List<long>();
            await using (var setup = await OpenAsync(port))
            {
                await new MySqlCommand(UniqueInsertLoad.CreateTable, setup).ExecuteNonQueryAsync(TestToken);
                for (long id = 1; id <= 20; id++)
                {
                    await new MySqlCommand($"INSERT INTO fo.row (id, client) VALUES ({id}, 0)", setup).ExecuteNonQueryAsync(TestToken);
                    acknowledged.Add(id);
                }
            }

            // A client of the writer's own endpoint has a transaction open with a row in it.
            var writer = await StatusOfAsync(data, "instance-1");
            Assert.Equal(("writer", "running"), (writer.Role, writer.State));
            // (Neither is disposed: that would send a ROLLBACK to a process the test expects to be gone.)
            var stale = await OpenAsync(writer.Port, commandTimeout: 60);
            var transaction = await stale.BeginTransactionAsync(TestToken);
            await new MySqlCommand("INSERT INTO fo.row (id, client) VALUES (1000, 1)", stale, transaction).ExecuteNonQueryAsync(TestToken);
            // The row is the transaction's own: visible in it, not outside it.
            Assert.Equal(1L, await new MySqlCommand("SELECT COUNT(*) FROM fo.row WHERE id = 1000", stale, transaction).ExecuteScalarAsync(TestToken));
            Assert.Equal(0L, await ScalarAsync(writer.Port, "SELECT COUNT(*) FROM fo.row WHERE id = 1000"));

            // The writer freezes (every thread stopped); the COMMIT waits in its socket.
            await SignalAsync(writer.Pid, "STOP");
            await Eventually.AssertAsync(() => Task.FromResult(IsStopped(writer.Pid)), because: "every thread of the writer is stopped");
            Phase("writer frozen (SIGSTOP)");
            var commit = transaction.CommitAsync(TestToken);

            // The control plane sees a running writer that does not answer and promotes the reader, which opens the
            // volume (bumping its epoch): an insert through the cluster endpoint lands on it.
            await Eventually.AssertAsync(async () => await StatusOfAsync(data, "instance-2") is { Role: "writer", State: "running" },
                because: "the reader is promoted while the old writer is frozen");
            Phase("instance-2 is the writer");
            await Eventually.AssertAsync(async () =>
            {
                await using var connection = await OpenAsync(port);
                if (!Equals(await new MySqlCommand("SELECT @@aurora_server_id", connection).ExecuteScalarAsync(TestToken), "instance-2"))
                    return false;
                await new MySqlCommand("INSERT INTO fo.row (id, client) VALUES (2000, 2)", connection).ExecuteNonQueryAsync(TestToken);
                return true;
            }, because: "the new writer commits through the cluster endpoint");
            acknowledged.Add(2000);
            Phase("the new writer committed");
            // A frozen process answers nothing, but the control plane kills it 10 s after asking it to stop (on a
            // loaded machine that may come first): the COMMIT then fails with the lost connection.
            if (commit.IsCompletedSuccessfully)
            {
                await using var probe = await OpenAsync(port);
                Assert.Fail($"a frozen process acknowledged the COMMIT (stopped now: {IsStopped(writer.Pid)}; row 1000 on the new writer: {(await IdsAsync(probe)).Contains(1000)})");
            }

            // The old process runs again (if it is still there), after the new writer took over: its COMMIT must not succeed.
            if (ProcessExists(writer.Pid))
                await SignalAsync(writer.Pid, "CONT", mayBeGone: true);
            // Either it reads the COMMIT and the storage nodes refuse its epoch (an error), or it ends first (its stop
            // was asked for once the new writer started) and the connection is lost. Never an OK.
            var outcome = await Record.ExceptionAsync(() => commit.WaitAsync(TimeSpan.FromSeconds(60), TestToken));
            if (outcome is null)
            {
                // An OK for a commit the fenced process received after the new writer took over: say where the row is.
                await using var probe = await OpenAsync(port);
                var ids = await IdsAsync(probe);
                Phase($"the stale commit was ACKNOWLEDGED; row 1000 on the new writer: {ids.Contains(1000)}; instance-1 log follows");
            }
            var refused = Assert.IsType<MySqlException>(outcome, exactMatch: false);
            Phase($"the stale commit failed: {refused.ErrorCode} {refused.Message}");
            Assert.True(
                (refused.ErrorCode == MySqlErrorCode.UnknownError && refused.Message.Contains("fenced by a newer writer", StringComparison.Ordinal))
                || refused.ErrorCode == MySqlErrorCode.ErrorDuringCommit
                || refused.InnerException is MySqlEndOfStreamException or IOException or System.Net.Sockets.SocketException,
                refused.ToString());

            await using (var check = await OpenAsync(port))
            {
                Assert.Equal("instance-2", await new MySqlCommand("SELECT @@aurora_server_id", check).ExecuteScalarAsync(TestToken));
                Assert.Equal(acknowledged, await IdsAsync(check));
            }

            await AssertRejoinedAsReaderAsync(data, "instance-1", writer.Pid);
            Phase("instance-1 is back as a reader");
            Assert.False(ProcessExists(writer.Pid), "the frozen process was stopped");
            await Eventually.AssertAsync(async () =>
            {
                await using var old = await OpenAsync((await StatusOfAsync(data, "instance-1")).Port);
                return (await IdsAsync(old)).SequenceEqual(acknowledged);
            }, because: "the old writer, now a reader, has every acknowledged row and not the fenced one");
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(data, ex);
        }
        finally
        {
            await LocalClusterCli.RunAsync("down", "--data", data);
        }
    }

    static async Task<List<long>> IdsAsync(MySqlConnection connection)
    {
        var ids = new List<long>();
        await using var reader = await new MySqlCommand("SELECT id FROM fo.row ORDER BY id", connection).ExecuteReaderAsync(TestToken);
        while (await reader.ReadAsync(TestToken))
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>Whether every thread of process <paramref name="pid"/> is stopped (state T in <c>/proc/PID/task/*/stat</c>).</summary>
    static bool IsStopped(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{P(pid)}/task").All(task =>
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
