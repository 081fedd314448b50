using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

public sealed class DatabaseTests : BorealisTest
{
    [Fact]
    public async Task ConnectionsUseMemoryJournalAndFourKibPages()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var connection = database.OpenConnection();

        Assert.Equal("memory", Sql.Text(connection, "PRAGMA journal_mode"));
        Assert.Equal(4096, Sql.Long(connection, "PRAGMA page_size"));
        Assert.Equal(1, Sql.Long(connection, "PRAGMA synchronous"));
        Assert.Equal("normal", Sql.Text(connection, "PRAGMA locking_mode"));
    }

    [Fact]
    public async Task CommitShipsOneBatchOfSmallDeltas()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, n INT)", TestToken);
        await Sql.WriteAsync(connection, "BEGIN; " + string.Concat(Enumerable.Range(1, 200).Select(i => $"INSERT INTO t VALUES ({i}, 'title number {i} of the table', {i});")) + " COMMIT", TestToken);
        long batches = volume.Batches;
        long bytes = volume.DeltaBytes;
        var before = database.CommittedLsn;

        await Sql.WriteAsync(connection, "INSERT INTO t VALUES (1000, 'one more row with a title', 7)", TestToken);

        Assert.Equal(batches + 1, volume.Batches);
        long shipped = volume.DeltaBytes - bytes;
        Assert.True(shipped < 1024, $"a one-row insert shipped {shipped} delta bytes");
        var batch = volume.LastBatch!;
        // Page 1 changed only in its change counter, which is presented from the read point, not stored: not shipped.
        Assert.DoesNotContain(batch.Records, r => r.Page.Value == 1);
        Assert.Equal(new Common.Lsn(before.Value + (ulong)batch.Records.Count), database.CommittedLsn);
        Assert.Equal(database.CommittedLsn, connection.ReplyLsn);
        Assert.Equal(201, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task RollbackLeavesDataUnchanged()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')", TestToken);
        long batches = volume.Batches;

        await connection.AcquireWriteLockAsync(TestToken);
        Sql.Exec(connection, "BEGIN; INSERT INTO t VALUES (2, 'b'); UPDATE t SET v = 'z' WHERE id = 1");
        connection.EndStatement();
        Assert.True(connection.HoldsWriteLock);
        Sql.Exec(connection, "ROLLBACK");
        connection.EndStatement();

        Assert.False(connection.HoldsWriteLock);
        Assert.Equal(batches, volume.Batches);
        Assert.Equal(1, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
        Assert.Equal("a", Sql.Text(connection, "SELECT v FROM t WHERE id = 1"));
        using var other = database.OpenConnection();
        Assert.Equal(1, Sql.Long(other, "SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task RollbackOfASpilledTransactionLeavesDataUnchanged()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", TestToken);
        await Sql.WriteAsync(connection, "BEGIN; " + string.Concat(Enumerable.Range(1, 1000).Select(i => $"INSERT INTO t VALUES ({i}, printf('%.200c', 'x'));")) + " COMMIT", TestToken);
        long batches = volume.Batches;
        Sql.Exec(connection, "PRAGMA cache_size = 20");

        await connection.AcquireWriteLockAsync(TestToken);
        Sql.Exec(connection, "BEGIN; WITH RECURSIVE c(i) AS (SELECT 1001 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) INSERT INTO t SELECT i, printf('%.300c', 'y') FROM c; UPDATE t SET v = 'changed' WHERE id <= 500");
        Assert.Equal(6000, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
        Sql.Exec(connection, "ROLLBACK");
        connection.EndStatement();

        Assert.Equal(batches, volume.Batches);
        Assert.Equal(1000, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
        Assert.Equal(0, Sql.Long(connection, "SELECT COUNT(*) FROM t WHERE v = 'changed'"));
        Assert.Equal("ok", Sql.Text(connection, "PRAGMA integrity_check"));
        using var other = database.OpenConnection();
        Assert.Equal(1000, Sql.Long(other, "SELECT COUNT(*) FROM t"));
        Assert.Equal("ok", Sql.Text(other, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task FailedMultiRowInsertIsRolledBackByStatement()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, u INT UNIQUE); INSERT INTO t VALUES (1, 500)", TestToken);
        string rows = string.Join(", ", Enumerable.Range(2, 998).Select(i => $"({i}, {i})"));

        // Autocommit: the statement fails at u = 500 after 498 rows.
        await connection.AcquireWriteLockAsync(TestToken);
        Assert.Equal(raw.SQLITE_CONSTRAINT, Sql.TryExec(connection, $"INSERT INTO t VALUES {rows}"));
        connection.EndStatement();
        Assert.False(connection.HoldsWriteLock);
        Assert.Equal(1, Sql.Long(connection, "SELECT COUNT(*) FROM t"));

        // Inside a transaction: only the failed statement is undone.
        await connection.AcquireWriteLockAsync(TestToken);
        Sql.Exec(connection, "BEGIN; INSERT INTO t VALUES (5000, 5000)");
        Assert.Equal(raw.SQLITE_CONSTRAINT, Sql.TryExec(connection, $"INSERT INTO t VALUES {rows}"));
        Sql.Exec(connection, "COMMIT");
        connection.EndStatement();

        using var other = database.OpenConnection();
        Assert.Equal(2, Sql.Long(other, "SELECT COUNT(*) FROM t"));
        Assert.Equal("ok", Sql.Text(other, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task ReadTransactionKeepsItsSnapshotWhileAnotherConnectionCommits()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10)", TestToken);

        Sql.Exec(reader, "BEGIN");
        Assert.Equal(1, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
        var readPoint = reader.ReadPoint;
        Assert.NotNull(readPoint);

        // The long read transaction does not block commits.
        for (int i = 2; i <= 6; i++)
            await Sql.WriteAsync(writer, $"INSERT INTO t VALUES ({i}, {i * 10}); UPDATE t SET v = v + 1 WHERE id = 1", TestToken);

        Assert.Equal(1, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
        Assert.Equal(10, Sql.Long(reader, "SELECT v FROM t WHERE id = 1"));
        Assert.Equal(readPoint, reader.ReadPoint);
        Sql.Exec(reader, "COMMIT");

        Assert.Equal(6, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
        Assert.Equal(15, Sql.Long(reader, "SELECT v FROM t WHERE id = 1"));
        Assert.Equal(database.CommittedLsn, reader.ReplyLsn);
    }

    [Fact]
    public async Task ReopeningOnTheSameVolumeSeesEveryCommit()
    {
        var volume = new InMemoryVolume();
        await using (var database = Database.Open(volume))
        {
            using var connection = database.OpenConnection();
            await Sql.WriteAsync(connection, "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX a_v ON a (v)", TestToken);
            for (int i = 0; i < 20; i++)
                await Sql.WriteAsync(connection, $"INSERT INTO a (v) VALUES ('row {i}')", TestToken);
            await Sql.WriteAsync(connection, "BEGIN; " + string.Concat(Enumerable.Range(0, 3000).Select(i => $"INSERT INTO a (v) VALUES ('bulk {i} {new string('q', 100)}');")) + " COMMIT", TestToken);
            await Sql.WriteAsync(connection, "DELETE FROM a WHERE id % 3 = 0", TestToken);
        }

        await using var reopened = Database.Open(volume);
        Assert.Equal(volume.AppendedLsn, reopened.CommittedLsn);
        using var check = reopened.OpenConnection();
        Assert.Equal("ok", Sql.Text(check, "PRAGMA integrity_check"));
        Assert.Equal(3020 - 3020 / 3, Sql.Long(check, "SELECT COUNT(*) FROM a"));
        await Sql.WriteAsync(check, "INSERT INTO a (v) VALUES ('after reopen')", TestToken);
        Assert.Equal(1, Sql.Long(check, "SELECT COUNT(*) FROM a WHERE v = 'after reopen'"));
    }

    [Fact]
    public async Task FailedAppendFailsTheCommitAndTheNextCommitWorks()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')", TestToken);
        var committed = database.CommittedLsn;

        volume.FailAppends = true;
        await connection.AcquireWriteLockAsync(TestToken);
        int rc = Sql.TryExec(connection, "INSERT INTO t VALUES (2, 'b')");
        connection.EndStatement();
        Assert.Equal(raw.SQLITE_IOERR, rc & 0xff);
        Assert.IsType<VolumeException>(connection.LastIoError);
        Assert.False(connection.HoldsWriteLock);
        Assert.Equal(committed, database.CommittedLsn);

        await connection.AcquireWriteLockAsync(TestToken);
        Sql.Exec(connection, "BEGIN; INSERT INTO t VALUES (3, 'c'); UPDATE t SET v = 'x'");
        rc = Sql.TryExec(connection, "COMMIT");
        if (rc != raw.SQLITE_OK)
            Sql.TryExec(connection, "ROLLBACK");
        connection.EndStatement();
        Assert.Equal(raw.SQLITE_IOERR, rc & 0xff);
        Assert.False(connection.HoldsWriteLock);

        volume.FailAppends = false;
        Assert.Equal(1, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
        Assert.Equal("a", Sql.Text(connection, "SELECT v FROM t"));
        await Sql.WriteAsync(connection, "INSERT INTO t VALUES (4, 'd')", TestToken);
        Assert.Equal(2, Sql.Long(connection, "SELECT COUNT(*) FROM t"));
        Assert.Equal("ok", Sql.Text(connection, "PRAGMA integrity_check"));
        using var other = database.OpenConnection();
        Assert.Equal(2, Sql.Long(other, "SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task AcquireWriteLockRestartsAStaleTransactionOnTheNewestData()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var a = database.OpenConnection();
        using var b = database.OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INT); INSERT INTO counter VALUES (1, 0)", TestToken);

        Sql.Exec(b, "BEGIN");
        Assert.Equal(0, Sql.Long(b, "SELECT n FROM counter"));
        await Sql.WriteAsync(a, "UPDATE counter SET n = n + 1", TestToken);
        Assert.Equal(0, Sql.Long(b, "SELECT n FROM counter"));

        await b.AcquireWriteLockAsync(TestToken);
        Assert.True(b.InTransaction);
        Sql.Exec(b, "UPDATE counter SET n = n + 1");
        Sql.Exec(b, "COMMIT");
        b.EndStatement();
        Assert.False(b.HoldsWriteLock);

        Assert.Equal(2, Sql.Long(a, "SELECT n FROM counter"));
    }

    [Fact]
    public async Task WriteOnAStaleSnapshotWithoutTheLockIsBusy()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var a = database.OpenConnection();
        using var b = database.OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INT); INSERT INTO counter VALUES (1, 0)", TestToken);

        Sql.Exec(b, "BEGIN");
        Assert.Equal(0, Sql.Long(b, "SELECT n FROM counter"));
        await Sql.WriteAsync(a, "UPDATE counter SET n = n + 1", TestToken);

        Assert.Equal(raw.SQLITE_BUSY, Sql.TryExec(b, "UPDATE counter SET n = n + 1") & 0xff);
        Sql.Exec(b, "ROLLBACK");
        Assert.False(b.HoldsWriteLock);

        // Without the lock, and with a fresh snapshot, a write takes the free lock by itself and releases it.
        Sql.Exec(b, "UPDATE counter SET n = n + 1");
        Assert.False(b.HoldsWriteLock);
        Assert.Equal(2, Sql.Long(a, "SELECT n FROM counter"));
    }

    [Fact]
    public async Task WriteLockIsExclusiveAndTimesOut()
    {
        await using var database = Database.Open(new InMemoryVolume(), new DatabaseOptions { LockWaitTimeout = TimeSpan.FromMilliseconds(100) });
        using var a = database.OpenConnection();
        using var b = database.OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE t (id INTEGER PRIMARY KEY)", TestToken);

        await a.AcquireWriteLockAsync(TestToken);
        Sql.Exec(a, "BEGIN; INSERT INTO t VALUES (1)");
        await Assert.ThrowsAsync<LockWaitTimeoutException>(async () => await b.AcquireWriteLockAsync(TestToken));
        Assert.Equal(raw.SQLITE_BUSY, Sql.TryExec(b, "INSERT INTO t VALUES (2)") & 0xff);
        // A reader is not blocked by the open write transaction.
        Assert.Equal(0, Sql.Long(b, "SELECT COUNT(*) FROM t"));

        Sql.Exec(a, "COMMIT");
        a.EndStatement();
        await b.AcquireWriteLockAsync(TestToken);
        Sql.Exec(b, "INSERT INTO t VALUES (2)");
        b.EndStatement();
        Assert.False(b.HoldsWriteLock);
        Assert.Equal(2, Sql.Long(a, "SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task DisposingAConnectionReleasesItsLockAndDiscardsItsWrites()
    {
        await using var database = Database.Open(new InMemoryVolume(), new DatabaseOptions { LockWaitTimeout = TimeSpan.FromSeconds(5) });
        using var a = database.OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE t (id INTEGER PRIMARY KEY)", TestToken);
        var b = database.OpenConnection();
        await b.AcquireWriteLockAsync(TestToken);
        Sql.Exec(b, "BEGIN; INSERT INTO t VALUES (1)");
        b.Dispose();

        await a.AcquireWriteLockAsync(TestToken);
        a.EndStatement();
        Assert.Equal(0, Sql.Long(a, "SELECT COUNT(*) FROM t"));
        Assert.Equal(1, database.GetStatistics().Connections);
    }

    [Fact]
    public async Task SeveralDatabasesInOneProcessAreIndependent()
    {
        await using var first = Database.Open(new InMemoryVolume());
        await using var second = Database.Open(new InMemoryVolume());
        using var a = first.OpenConnection();
        using var b = second.OpenConnection();
        await Sql.WriteAsync(a, "CREATE TABLE only_first (x)", TestToken);
        await Sql.WriteAsync(b, "CREATE TABLE only_second (y)", TestToken);

        Assert.Equal(1, Sql.Long(a, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'only_first'"));
        Assert.Equal(0, Sql.Long(a, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'only_second'"));
        Assert.Equal(1, Sql.Long(b, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'only_second'"));
    }

    [Fact]
    public async Task StatisticsCountCommitsAndCacheUse()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", TestToken);
        await Sql.WriteAsync(connection, "INSERT INTO t VALUES (1, 'a')", TestToken);
        using var other = database.OpenConnection();
        Assert.Equal(1, Sql.Long(other, "SELECT COUNT(*) FROM t"));

        var stats = database.GetStatistics();
        Assert.Equal(2, stats.Commits);
        Assert.Equal(database.CommittedLsn, stats.CommittedLsn);
        Assert.Equal(database.DurableLsn, stats.DurableLsn);
        Assert.True(stats.CacheHits > 0);
        Assert.True(stats.CacheBytes > 0);
        Assert.Equal(2, stats.Connections);
        Assert.Equal(database.CommittedLsn, stats.OldestReadPoint);
        Sql.Exec(other, "BEGIN");
        Assert.Equal(1, Sql.Long(other, "SELECT COUNT(*) FROM t"));
        var pinned = other.ReadPoint;
        await Sql.WriteAsync(connection, "INSERT INTO t VALUES (2, 'b')", TestToken);
        Assert.Equal(pinned, database.GetStatistics().OldestReadPoint);
        Sql.Exec(other, "COMMIT");
        Assert.Null(other.ReadPoint);
        await connection.WaitForDurableAsync(TestToken);
        Assert.True(database.DurableLsn >= connection.ReplyLsn);
    }
}
