using Borealis.Testing;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;
using SQLitePCL;

namespace Borealis.Engine.Tests;

/// <summary>
/// Several writers (multi-master) on one volume through the commit sequencer: page-level first-committer-wins, every
/// writer applies every other writer's commits in LSN order, a writer catches up before a transaction's first write.
/// </summary>
public sealed class MultiWriterTests : BorealisTest
{
    sealed class Cluster : IAsyncDisposable
    {
        public readonly InMemoryVolume Volume = new();
        public readonly SharedVolume Shared;
        public readonly Database[] Writers;

        public Cluster(int writers)
        {
            Shared = new SharedVolume(Volume);
            Writers = [.. Enumerable.Range(0, writers).Select(_ => Database.Open(Shared.Connect()))];
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var writer in Writers)
            {
                await writer.DisposeAsync();
                await writer.Volume.DisposeAsync();
            }
            await Shared.DisposeAsync();
        }
    }

    /// <summary>Runs one write transaction; false when the commit lost a page conflict (the transaction is rolled back).</summary>
    static async Task<bool> TryWriteAsync(DatabaseConnection connection, string sql, CancellationToken token)
    {
        await connection.AcquireWriteLockAsync(token);
        try
        {
            var before = connection.LastIoError;
            int rc = raw.sqlite3_exec(connection.Handle, sql);
            if (rc == raw.SQLITE_OK)
            {
                Assert.True(ReferenceEquals(before, connection.LastIoError), $"'{sql}' succeeded after an I/O error: {connection.LastIoError}");
                return true;
            }
            Assert.True(connection.LastIoError is WriteConflictException,
                $"'{sql}' failed with {rc} ({Sql.ErrorMessage(connection)}), not a write conflict: {connection.LastIoError}");
            if (connection.InTransaction)
                Sql.Exec(connection, "ROLLBACK");
            return false;
        }
        finally
        {
            connection.EndStatement();
        }
    }

    static async Task<int> WriteWithRetryAsync(DatabaseConnection connection, string sql, CancellationToken token)
    {
        for (int conflicts = 0; ; conflicts++)
        {
            if (await TryWriteAsync(connection, sql, token))
                return conflicts;
            Assert.True(conflicts < 1000, $"'{sql}' conflicted 1000 times in a row");
        }
    }

    [Fact]
    public async Task EachWriterSeesTheOthersCommitsAndAClientMovingBetweenWritersNeverConflictsWithItself()
    {
        await using var cluster = new Cluster(3);
        using var c0 = cluster.Writers[0].OpenConnection();
        await Sql.WriteAsync(c0, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)", TestToken);
        var connections = cluster.Writers.Select(w => w.OpenConnection()).ToArray();
        try
        {
            // One client, one row, every write on the next writer: each writer catches up before the write.
            for (int i = 0; i < 300; i++)
                Assert.True(await TryWriteAsync(connections[i % 3], "UPDATE counter SET n = n + 1 WHERE id = 1", TestToken), $"write {i} conflicted");
            Assert.Equal(0, cluster.Shared.Conflicts);
            foreach (var (writer, connection) in cluster.Writers.Zip(connections))
            {
                await Eventually.AssertAsync(() => writer.CommittedLsn == cluster.Volume.AppendedLsn, because: "every writer applies every commit");
                Assert.Equal(300, Sql.Long(connection, "SELECT n FROM counter WHERE id = 1"));
            }
            Assert.True(cluster.Writers[1].RemoteCommits > 0);
        }
        finally
        {
            foreach (var connection in connections)
                connection.Dispose();
        }
    }

    [Fact]
    public async Task TheSecondOfTwoChangesToOnePageVersionIsRefusedAndRolledBack()
    {
        await using var cluster = new Cluster(2);
        using var a = cluster.Writers[0].OpenConnection();
        using var b = cluster.Writers[1].OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'start'), (2, 'start')", TestToken);

        // Both open a transaction at the same snapshot and change rows of the same page.
        await a.AcquireWriteLockAsync(TestToken);
        Sql.Exec(a, "BEGIN; UPDATE t SET v = 'a' WHERE id = 1");
        await b.AcquireWriteLockAsync(TestToken);
        Sql.Exec(b, "BEGIN; UPDATE t SET v = 'b' WHERE id = 2");
        Sql.Exec(a, "COMMIT");
        a.EndStatement();
        int rc = raw.sqlite3_exec(b.Handle, "COMMIT");
        Assert.NotEqual(raw.SQLITE_OK, rc);
        var conflict = Assert.IsType<WriteConflictException>(b.LastIoError);
        Assert.True(conflict.Newer > conflict.Snapshot);
        if (b.InTransaction)
            Sql.Exec(b, "ROLLBACK");
        b.EndStatement();
        Assert.Equal(1, cluster.Shared.Conflicts);

        // Nothing of b's transaction is anywhere; retried on the newest snapshot it succeeds.
        await Eventually.AssertAsync(() => cluster.Writers[1].CommittedLsn == cluster.Volume.AppendedLsn, because: "writer 2 applies writer 1's commit");
        Assert.Equal("1:a,2:start", Sql.Text(b, "SELECT group_concat(id || ':' || v) FROM (SELECT * FROM t ORDER BY id)"));
        Assert.True(await TryWriteAsync(b, "UPDATE t SET v = 'b' WHERE id = 2", TestToken));
        await Eventually.AssertAsync(() => cluster.Writers[0].CommittedLsn == cluster.Volume.AppendedLsn, because: "writer 1 applies writer 2's commit");
        Assert.Equal("1:a,2:b", Sql.Text(a, "SELECT group_concat(id || ':' || v) FROM (SELECT * FROM t ORDER BY id)"));

        // A fresh database on the volume (a restarted writer) reads the same.
        await using var reopened = Database.Open(cluster.Volume);
        using var r = reopened.OpenConnection();
        Assert.Equal("1:a,2:b", Sql.Text(r, "SELECT group_concat(id || ':' || v) FROM (SELECT * FROM t ORDER BY id)"));
    }

    [Fact]
    public async Task TransfersOnThreeWritersKeepTheTotalOnEveryWriterAndAtTheEnd()
    {
        const int accounts = 20;
        await using var cluster = new Cluster(3);
        using (var setup = cluster.Writers[0].OpenConnection())
        {
            await Sql.WriteAsync(setup, "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)", TestToken);
            await Sql.WriteAsync(setup, "BEGIN; " + string.Concat(Enumerable.Range(1, accounts).Select(i => $"INSERT INTO account VALUES ({i}, 1000);")) + " COMMIT", TestToken);
        }

        // Reads on a writer see what it has applied (INSTANCE_RAW): let every writer have the accounts first.
        var setupLsn = cluster.Shared.LatestCommit;
        foreach (var writer in cluster.Writers)
            await Eventually.AssertAsync(() => writer.CommittedLsn >= setupLsn, because: "every writer applies the accounts");

        long conflicts = 0, transfers = 0, checks = 0;
        using var stop = new CancellationTokenSource();
        var movers = Enumerable.Range(0, 6).Select(n => Task.Run(async () =>
        {
            using var connection = cluster.Writers[n % 3].OpenConnection();
            var random = new Random(n);
            for (int i = 0; i < 150; i++)
            {
                int from = random.Next(1, accounts + 1), to = random.Next(1, accounts + 1), amount = random.Next(1, 100);
                int lost = await WriteWithRetryAsync(connection,
                    $"BEGIN; UPDATE account SET balance = balance - {amount} WHERE id = {from}; UPDATE account SET balance = balance + {amount} WHERE id = {to}; COMMIT",
                    TestToken);
                Interlocked.Add(ref conflicts, lost);
                Interlocked.Increment(ref transfers);
            }
        }, TestToken)).ToArray();
        var checkers = cluster.Writers.Select(writer => Task.Run(() =>
        {
            using var connection = writer.OpenConnection();
            while (!stop.IsCancellationRequested)
            {
                long sum = Sql.Long(connection, "SELECT SUM(balance) FROM account");
                Assert.True(sum == accounts * 1000, $"writer {Array.IndexOf(cluster.Writers, writer) + 1} read a total of {sum} at {connection.ReadPoint} (committed {writer.CommittedLsn})");
                Interlocked.Increment(ref checks);
            }
        }, TestToken)).ToArray();

        await Task.WhenAll(movers);
        await stop.CancelAsync();
        await Task.WhenAll(checkers);
        Assert.Equal(6 * 150, transfers);
        Assert.True(checks > 0);
        // 6 clients on 20 accounts in one page: the conflicts are real ones, each retried by the client.
        Assert.Equal(cluster.Shared.Conflicts, Interlocked.Read(ref conflicts));
        TestContext.Current.SendDiagnosticMessage($"{transfers} transfers, {conflicts} conflicts retried, {checks} totals checked");

        var sums = new List<string>();
        foreach (var writer in cluster.Writers)
        {
            await Eventually.AssertAsync(() => writer.CommittedLsn == cluster.Volume.AppendedLsn, because: "every writer applies every commit");
            using var connection = writer.OpenConnection();
            Assert.Equal(accounts * 1000, Sql.Long(connection, "SELECT SUM(balance) FROM account"));
            sums.Add(Sql.Text(connection, "SELECT group_concat(id || ':' || balance) FROM (SELECT * FROM account ORDER BY id)"));
        }
        Assert.Single(sums.Distinct());
        await using var reopened = Database.Open(cluster.Volume);
        using var r = reopened.OpenConnection();
        Assert.Equal(sums[0], Sql.Text(r, "SELECT group_concat(id || ':' || balance) FROM (SELECT * FROM account ORDER BY id)"));
        Assert.Equal("ok", Sql.Text(r, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task FourWritersInsertingIntoFourTablesKeepEveryRow()
    {
        await using var cluster = new Cluster(4);
        using (var setup = cluster.Writers[0].OpenConnection())
        {
            await Sql.WriteAsync(setup, string.Concat(Enumerable.Range(0, 4).Select(i =>
                $"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);")), TestToken);
        }
        const int rows = 400;
        var conflicts = new int[4];
        var inserters = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            using var connection = cluster.Writers[n].OpenConnection();
            for (int i = 1; i <= rows; i++)
                conflicts[n] += await WriteWithRetryAsync(connection, $"INSERT INTO t{n} VALUES ({i}, '{new string((char)('a' + n), 40)}')", TestToken);
        }, TestToken)).ToArray();
        await Task.WhenAll(inserters);

        TestContext.Current.SendDiagnosticMessage($"conflicts per writer: {string.Join(", ", conflicts)} (sequencer: {cluster.Shared.Conflicts}, commits {cluster.Shared.Commits})");
        foreach (var writer in cluster.Writers)
        {
            await Eventually.AssertAsync(() => writer.CommittedLsn == cluster.Volume.AppendedLsn, because: "every writer applies every commit");
            using var connection = writer.OpenConnection();
            for (int t = 0; t < 4; t++)
                Assert.Equal(rows * (rows + 1) / 2, Sql.Long(connection, $"SELECT SUM(id) FROM t{t}"));
        }
        await using var reopened = Database.Open(cluster.Volume);
        using var r = reopened.OpenConnection();
        Assert.Equal("ok", Sql.Text(r, "PRAGMA integrity_check"));
        Assert.Equal(4 * rows, Sql.Long(r, "SELECT (SELECT COUNT(*) FROM t0) + (SELECT COUNT(*) FROM t1) + (SELECT COUNT(*) FROM t2) + (SELECT COUNT(*) FROM t3)"));
    }

    [Fact]
    public async Task ASchemaChangeOnOneWriterIsUsableOnAnotherAtItsNextWrite()
    {
        await using var cluster = new Cluster(2);
        using var a = cluster.Writers[0].OpenConnection();
        using var b = cluster.Writers[1].OpenConnection();
        Sql.Long(b, "SELECT COUNT(*) FROM sqlite_master"); // b's SQLite has read the (empty) schema.
        for (int i = 0; i < 20; i++)
        {
            await Sql.WriteAsync(a, $"CREATE TABLE s{i} (id INTEGER PRIMARY KEY, v INT)", TestToken);
            await Sql.WriteAsync(b, $"INSERT INTO s{i} VALUES (1, {i})", TestToken);
            await Sql.WriteAsync(a, $"ALTER TABLE s{i} ADD COLUMN w INT DEFAULT 7", TestToken);
            await Sql.WriteAsync(b, $"UPDATE s{i} SET w = w + v", TestToken);
        }
        Assert.Equal(0, cluster.Shared.Conflicts);
        await Eventually.AssertAsync(() => cluster.Writers[0].CommittedLsn == cluster.Volume.AppendedLsn, because: "writer 1 applies writer 2's commits");
        Assert.Equal(20 * 7 + 190, Sql.Long(a, "SELECT " + string.Join(" + ", Enumerable.Range(0, 20).Select(i => $"(SELECT w FROM s{i})"))));
    }

    [Fact]
    public void APlainAppendOnASharedVolumeIsRefused()
    {
        var shared = new SharedVolume(new InMemoryVolume());
        var writer = shared.Connect();
        var batch = new Common.Redo.RedoBatch([new Common.Redo.RedoRecord(new Common.PageId(1), Common.Lsn.Zero, new byte[] { 0, 0, 0, 1, 7 })], 1);
        Assert.Throws<InvalidOperationException>(() => writer.Append(batch));
        Assert.Equal(Common.Lsn.Zero, shared.LatestCommit);
    }

    /// <summary>
    /// A connection whose commit lost a conflict must not keep SQLite's pages of the state it left: one commit of
    /// another writer later, the change counter it would see equals the one SQLite wrote for the lost commit.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterALostConflictAConnectionNeverReadsPagesOfTheStateItLeft(bool conflictFirst)
    {
        var volume = new InMemoryVolume();
        var shared = new SharedVolume(volume);
        await using var one = Database.Open(shared.Connect());
        await using var two = Database.Open(shared.Connect());
        using var a = one.OpenConnection();
        using var b = two.OpenConnection();
        Assert.Equal(0, Sql.Long(b, "SELECT COUNT(*) FROM sqlite_master"));
        if (conflictFirst)
        {
            await b.AcquireWriteLockAsync(TestToken);
            Sql.Exec(b, "BEGIN; CREATE TABLE mine (x)");
            await Sql.WriteAsync(a, "CREATE TABLE theirs (y)", TestToken);
            Assert.NotEqual(raw.SQLITE_OK, raw.sqlite3_exec(b.Handle, "COMMIT"));
            Assert.IsType<WriteConflictException>(b.LastIoError);
            if (b.InTransaction)
                Sql.Exec(b, "ROLLBACK");
            b.EndStatement();
        }
        else
        {
            await Sql.WriteAsync(a, "CREATE TABLE theirs (y)", TestToken);
        }
        await two.CatchUpAsync(TestToken);
        Assert.Equal(1, Sql.Long(b, "SELECT COUNT(*) FROM sqlite_master"));
    }
}
