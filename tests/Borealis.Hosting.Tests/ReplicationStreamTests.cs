using System.Net;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Engine;
using Borealis.Hosting.Replication;
using Borealis.Testing;
using Borealis.Volume;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;

namespace Borealis.Hosting.Tests;

/// <summary>The redo stream over real loopback TCP: a writer database, its replication server, a replica following it.</summary>
public sealed class ReplicationStreamTests : BorealisTest
{
    const int Accounts = 100;
    const long Opening = 1000;

    /// <summary>The replica's view of the writer's in-memory volume: reads go to it, only up to the VDL the stream announced.</summary>
    sealed class SharedView(IVolume shared, Lsn start) : IReplicaVolume
    {
        long _durable = (long)start.Value;
        public long Observed;
        public long ReadsAboveDurable;

        public int PageSize => shared.PageSize;
        public VolumeEpoch Epoch => shared.Epoch;
        public Lsn DurableLsn => new((ulong)Interlocked.Read(ref _durable));
        public Lsn AppendedLsn => DurableLsn;
        public void Observe(RedoBatch batch, AppendResult lsns) => Interlocked.Increment(ref Observed);
        public void AdvanceDurable(Lsn vdl) => Interlocked.Exchange(ref _durable, (long)vdl.Value);
        public AppendResult Append(RedoBatch batch) => throw new VolumeException("read-only replica");
        public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
        {
            if (asOf > DurableLsn)
                Interlocked.Increment(ref ReadsAboveDurable);
            return shared.ReadPage(page, asOf, destination);
        }

        public uint GetPageCount(Lsn asOf) => shared.GetPageCount(asOf);
        public void SetReadHorizon(Lsn oldestReadPoint) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    static void Exec(DatabaseConnection connection, string sql)
    {
        int rc = raw.sqlite3_exec(connection.Handle, sql);
        Assert.True(rc == raw.SQLITE_OK, $"'{sql}': {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}");
    }

    static async Task WriteAsync(DatabaseConnection connection, string sql, CancellationToken token)
    {
        await connection.AcquireWriteLockAsync(token);
        try
        {
            Exec(connection, sql);
        }
        finally
        {
            connection.EndStatement();
        }
    }

    static long Long(DatabaseConnection connection, string sql)
    {
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement));
        using (statement)
        {
            Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(statement));
            return raw.sqlite3_column_int64(statement, 0);
        }
    }

    [Fact]
    public async Task AReplicaFollowsEveryCommitAndNeverShowsAPartialTransfer()
    {
        var shared = new InMemoryVolume();
        await using var writer = Database.Open(shared);
        using var w = writer.OpenConnection();
        await WriteAsync(w, "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)", TestToken);
        await WriteAsync(w, "BEGIN; " + string.Concat(Enumerable.Range(1, Accounts).Select(i => $"INSERT INTO account VALUES ({i}, {Opening});")) + " COMMIT", TestToken);

        await using var server = ReplicationServer.Start(writer, new IPEndPoint(IPAddress.Loopback, 0),
            at => (shared.Epoch, shared.GetPageCount(at), []), "instance-1", NullLogger.Instance);
        SharedView? view = null;
        await using var follower = await ReplicaFollower.StartAsync(new IPEndPoint(IPAddress.Loopback, server.Port), "instance-2",
            (start, _) => Task.FromResult<IReplicaVolume>(view = new SharedView(shared, start.Start)),
            new DatabaseOptions { CacheBytes = 64 * 1024 }, NullLogger.Instance, TestToken);
        Assert.Equal("instance-1", follower.Start.WriterId);
        Assert.True(follower.Database.Options.ReadOnly);

        using var stop = new CancellationTokenSource();
        long checks = 0;
        var reader = Task.Run(() =>
        {
            using var r = follower.Database.OpenConnection();
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(Accounts * Opening, Long(r, "SELECT SUM(balance) FROM account"));
                r.EndStatement();
                Interlocked.Increment(ref checks);
            }
        }, TestToken);

        // The reader runs before the transfers start (on a busy machine its task could otherwise start after them),
        // so that its sums are taken while the replica applies them.
        await Eventually.AssertAsync(() => Interlocked.Read(ref checks) > 0, because: "the replica's reader has summed once");
        var random = new Random(5);
        int unchanged = 0;
        for (int i = 0; i < 300; i++)
        {
            int from = random.Next(1, Accounts + 1), to = random.Next(1, Accounts + 1);
            if (from == to)
                unchanged++; // -7 then +7 on one row changes no page: no commit reaches the volume.
            await WriteAsync(w, $"BEGIN; UPDATE account SET balance = balance - 7 WHERE id = {from}; UPDATE account SET balance = balance + 7 WHERE id = {to}; COMMIT", TestToken);
        }
        await WriteAsync(w, "UPDATE account SET balance = balance + 0 WHERE id = 1", TestToken);
        var last = writer.CommittedLsn;
        await Eventually.AssertAsync(() => follower.Database.CommittedLsn == last, because: "the replica reaches the writer's last commit");
        await stop.CancelAsync();
        await reader;
        Assert.True(checks > 0);

        // Each commit after the replica's start (all but the first two) was applied once and its lag recorded.
        long expected = writer.GetStatistics().Commits - 2;
        Assert.Equal(300 - unchanged, expected); // The final "+ 0" update changes no page either.
        var status = follower.Status();
        Assert.Equal(("instance-1", expected, (int)expected), (status.WriterId, status.AppliedCommits, status.LagSamples));
        Assert.Equal(expected, follower.Database.GetStatistics().Commits);
        Assert.True(status.LagP50Ms <= status.LagP99Ms && status.LagP99Ms <= status.LagMaxMs, $"p50 {status.LagP50Ms}, p99 {status.LagP99Ms}, max {status.LagMaxMs}");
        Assert.InRange(status.LagMs, 0, status.LagMaxMs!.Value);
        Assert.Equal(60, status.LagWindowSeconds);

        using var check = follower.Database.OpenConnection();
        for (int id = 1; id <= Accounts; id++)
            Assert.Equal(Long(w, $"SELECT balance FROM account WHERE id = {id}"), Long(check, $"SELECT balance FROM account WHERE id = {id}"));
        Assert.Equal(0, view!.ReadsAboveDurable);
        Assert.Equal(expected, view.Observed);
        // The writer sees the replica and holds its horizon for it.
        await Eventually.AssertAsync(() => server.Hosts.Any(h => h.ServerId == "instance-2" && !h.IsWriter), because: "the replica reported");
        Assert.True(writer.ReplicaReadPoint <= follower.Database.CommittedLsn);
        await Eventually.AssertAsync(() => follower.Hosts.Any(h => h.ServerId == "instance-1" && h.IsWriter), because: "the writer's status reached the replica");
    }

    [Fact]
    public async Task TheReplicaLearnsWhenTheWriterGoesAway()
    {
        var shared = new InMemoryVolume();
        await using var writer = Database.Open(shared);
        var server = ReplicationServer.Start(writer, new IPEndPoint(IPAddress.Loopback, 0), at => (shared.Epoch, shared.GetPageCount(at), []), "instance-1", NullLogger.Instance);
        await using var follower = await ReplicaFollower.StartAsync(new IPEndPoint(IPAddress.Loopback, server.Port), "instance-2",
            (start, _) => Task.FromResult<IReplicaVolume>(new SharedView(shared, start.Start)), new DatabaseOptions(), NullLogger.Instance, TestToken);
        Assert.False(follower.Completion.IsCompleted);
        await server.DisposeAsync();
        await Eventually.AssertAsync(() => follower.Completion.IsCompleted, because: "a closed stream ends the follower");
        Assert.Equal(Lsn.MaxValue, writer.ReplicaReadPoint);
    }
}
