using System.Collections.Concurrent;
using Borealis.Common.Redo;
using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

/// <summary>
/// A replica database on the writer's volume, fed the writer's commits (as the redo stream does): it must show
/// every durable commit, whole, never a partial one, and refuse writes.
/// </summary>
public sealed class ReplicaTests : BorealisTest
{
    const int Accounts = 200;
    const long Opening = 1000;

    sealed class Writer : IAsyncDisposable
    {
        public readonly InMemoryVolume Volume = new();
        public readonly Database Database;
        public readonly ConcurrentQueue<(RedoBatch Batch, AppendResult Lsns)> Stream = new();

        public Writer()
        {
            Database = Database.Open(Volume);
            Database.Committed = (batch, lsns) => Stream.Enqueue((batch, lsns));
        }

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    static async Task CreateAccountsAsync(DatabaseConnection writer, CancellationToken token)
    {
        await Sql.WriteAsync(writer, "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, note TEXT)", token);
        await Sql.WriteAsync(writer, "BEGIN; " + string.Concat(Enumerable.Range(1, Accounts).Select(i =>
            $"INSERT INTO account VALUES ({i}, {Opening}, '{new string('x', 200)}');")) + " COMMIT", token);
    }

    static async Task TransferAsync(DatabaseConnection writer, Random random, CancellationToken token)
    {
        int from = random.Next(1, Accounts + 1), to = random.Next(1, Accounts + 1), amount = random.Next(1, 50);
        await Sql.WriteAsync(writer, $"BEGIN; UPDATE account SET balance = balance - {amount} WHERE id = {from}; " +
            $"UPDATE account SET balance = balance + {amount} WHERE id = {to}; COMMIT", token);
    }

    /// <summary>Hands the replica everything the writer committed (the stream: VDL first, then the commits under it).</summary>
    static void Drain(Writer writer, ReplicaViewVolume view, Database replica)
    {
        view.AdvanceDurable(writer.Volume.DurableLsn);
        while (writer.Stream.TryDequeue(out var commit))
            replica.ApplyReplicated(commit.Batch, commit.Lsns);
    }

    static string Checksum(DatabaseConnection connection) =>
        Sql.Text(connection, "SELECT group_concat(id || ':' || balance, ',') FROM (SELECT * FROM account ORDER BY id)");

    [Fact]
    public async Task AReplicaShowsEachCommitWholeAndMatchesTheWriter()
    {
        await using var writer = new Writer();
        using var w = writer.Database.OpenConnection();
        var start = writer.Database.CommittedLsn;
        var view = new ReplicaViewVolume(writer.Volume, start);
        // A small cache: most pages are read from the shared volume, some are kept and patched by the stream.
        await using var replica = Database.Open(view, new DatabaseOptions { ReadOnly = true, CacheBytes = 64 * 1024 });
        using var r = replica.OpenConnection();

        await CreateAccountsAsync(w, TestToken);
        Drain(writer, view, replica);
        Assert.Equal(Checksum(w), Checksum(r));

        var random = new Random(7);
        for (int step = 0; step < 300; step++)
        {
            await TransferAsync(w, random, TestToken);
            if (step % 7 == 0)
                continue; // Several commits arrive together sometimes.
            Drain(writer, view, replica);
            Assert.Equal(writer.Database.CommittedLsn, replica.CommittedLsn);
            Assert.Equal(Checksum(w), Checksum(r));
        }
        Drain(writer, view, replica);
        Assert.Equal(Checksum(w), Checksum(r));
        Assert.Equal(Accounts * Opening, Sql.Long(r, "SELECT SUM(balance) FROM account"));
        Assert.Equal(0, view.ReadsAboveDurable);
    }

    [Fact]
    public async Task ConcurrentReadersOnAReplicaNeverSeeAPartialTransfer()
    {
        await using var writer = new Writer();
        using var w = writer.Database.OpenConnection();
        await CreateAccountsAsync(w, TestToken);
        // This replica opens after the data exists: it reads it from the shared volume.
        var view = new ReplicaViewVolume(writer.Volume, writer.Database.CommittedLsn);
        await using var replica = Database.Open(view, new DatabaseOptions { ReadOnly = true, CacheBytes = 96 * 1024 });
        writer.Database.ReplicaReadPoint = replica.CommittedLsn;

        using var stop = new CancellationTokenSource();
        long checks = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            using var r = replica.OpenConnection();
            while (!stop.IsCancellationRequested)
            {
                // One read transaction: two reads at one read point must agree with each other and the invariant.
                Sql.Exec(r, "BEGIN");
                long sum = Sql.Long(r, "SELECT SUM(balance) FROM account");
                string all = Checksum(r);
                Sql.Exec(r, "COMMIT");
                r.EndStatement();
                Assert.Equal(Accounts * Opening, sum);
                Assert.Equal(Accounts * Opening, all.Split(',').Sum(p => long.Parse(p.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)));
                Interlocked.Increment(ref checks);
            }
        }, TestToken)).ToArray();

        var random = new Random(11);
        for (int step = 0; step < 400; step++)
        {
            await TransferAsync(w, random, TestToken);
            Drain(writer, view, replica);
            // The writer keeps what the replica still reads (the stream's feedback does this in a cluster).
            writer.Database.ReplicaReadPoint = replica.OldestReadPoint;
        }
        await Eventually.AssertAsync(() => Interlocked.Read(ref checks) > 20, because: "the readers ran");
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        using var last = replica.OpenConnection();
        Assert.Equal(Checksum(w), Checksum(last));
        Assert.Equal(0, view.ReadsAboveDurable);
    }

    [Fact]
    public async Task AReplicaCountsEachAppliedCommitOnceAndSkipsThoseBelowItsStart()
    {
        await using var writer = new Writer();
        using var w = writer.Database.OpenConnection();
        await CreateAccountsAsync(w, TestToken);
        // The two commits so far are below the replica's start: handed to it again, they are not applied.
        var early = writer.Stream.ToArray();
        Assert.Equal(2, early.Length);
        var view = new ReplicaViewVolume(writer.Volume, writer.Database.CommittedLsn);
        await using var replica = Database.Open(view, new DatabaseOptions { ReadOnly = true });
        writer.Stream.Clear();
        Assert.All(early, commit => Assert.False(replica.ApplyReplicated(commit.Batch, commit.Lsns)));
        Assert.Equal(0, replica.GetStatistics().Commits);

        var random = new Random(3);
        for (int i = 0; i < 17; i++)
            await TransferAsync(w, random, TestToken);
        view.AdvanceDurable(writer.Volume.DurableLsn);
        int applied = 0;
        while (writer.Stream.TryDequeue(out var commit))
            applied += replica.ApplyReplicated(commit.Batch, commit.Lsns) ? 1 : 0;
        Assert.Equal(17, applied);
        var stats = replica.GetStatistics();
        Assert.Equal(17, stats.Commits);
        Assert.Equal(writer.Database.CommittedLsn, stats.CommittedLsn);
        Assert.Equal(19, writer.Database.GetStatistics().Commits);
    }

    [Fact]
    public async Task AReplicaRefusesWritesAndKeepsItsData()
    {
        await using var writer = new Writer();
        using var w = writer.Database.OpenConnection();
        await CreateAccountsAsync(w, TestToken);
        var view = new ReplicaViewVolume(writer.Volume, writer.Database.CommittedLsn);
        await using var replica = Database.Open(view, new DatabaseOptions { ReadOnly = true });
        using var r = replica.OpenConnection();

        await Assert.ThrowsAsync<DatabaseReadOnlyException>(async () => await r.AcquireWriteLockAsync(TestToken));
        // A write that reaches SQLite without the lock is refused by the VFS.
        int rc = Sql.TryExec(r, "UPDATE account SET balance = 0 WHERE id = 1");
        Assert.Equal(raw.SQLITE_READONLY, rc & 0xff);
        r.EndStatement();
        Assert.Equal(Opening, Sql.Long(r, "SELECT balance FROM account WHERE id = 1"));
        Assert.Equal(Checksum(w), Checksum(r));
        Assert.Throws<InvalidOperationException>(() => writer.Database.ApplyReplicated(new RedoBatch([], 0), default));
    }
}
