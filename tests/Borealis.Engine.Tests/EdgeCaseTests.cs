using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

public sealed class EdgeCaseTests : BorealisTest
{
    [Fact]
    public async Task CommitSucceedsWhileAReaderIsInTheMiddleOfAStatement()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        Sql.Exec(reader, "PRAGMA cache_size = 2");
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT, pad TEXT)", TestToken);
        await Sql.WriteAsync(writer, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500) INSERT INTO t SELECT i, 1, printf('%.400c', 'p') FROM c", TestToken);

        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(reader.Handle, "SELECT v FROM t ORDER BY id", out var scan));
        using (scan)
        {
            long sum = 0;
            int rows = 0;
            while (raw.sqlite3_step(scan) == raw.SQLITE_ROW)
            {
                sum += raw.sqlite3_column_int64(scan, 0);
                if (++rows == 100)
                    await Sql.WriteAsync(writer, "UPDATE t SET v = 2", TestToken);
            }
            Assert.Equal(500, rows);
            Assert.Equal(500, sum);
        }
        Assert.Equal(1000, Sql.Long(reader, "SELECT SUM(v) FROM t"));
    }

    [Fact]
    public async Task WritersWithoutTheExplicitLockAreSerialisedByBusy()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using (var setup = database.OpenConnection())
            await Sql.WriteAsync(setup, "CREATE TABLE t (id INTEGER PRIMARY KEY, who INT)", TestToken);

        long busy = 0;
        void Insert(int who)
        {
            using var connection = database.OpenConnection();
            for (int i = 0; i < 300; i++)
            {
                int rc;
                while ((rc = Sql.TryExec(connection, $"INSERT INTO t (who) VALUES ({who})")) == raw.SQLITE_BUSY)
                {
                    Interlocked.Increment(ref busy);
                    Thread.Yield();
                }
                Assert.Equal(raw.SQLITE_OK, rc);
                Assert.False(connection.HoldsWriteLock);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(who => Task.Run(() => Insert(who), TestToken)));

        using var check = database.OpenConnection();
        Assert.Equal(900, Sql.Long(check, "SELECT COUNT(*) FROM t"));
        Assert.Equal(300, Sql.Long(check, "SELECT COUNT(*) FROM t WHERE who = 2"));
        Assert.Equal("ok", Sql.Text(check, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task VacuumShrinksTheDatabaseAndReopensIntact()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using (var database = Database.Open(volume))
        {
            using var connection = database.OpenConnection();
            await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)", TestToken);
            await Sql.WriteAsync(connection, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) INSERT INTO t SELECT i, printf('%.500c', 'p') FROM c", TestToken);
            long before = Sql.Long(connection, "PRAGMA page_count");
            await Sql.WriteAsync(connection, "DELETE FROM t WHERE id > 100", TestToken);
            await Sql.WriteAsync(connection, "VACUUM", TestToken);
            long after = Sql.Long(connection, "PRAGMA page_count");
            Assert.True(after < before / 10, $"VACUUM left {after} of {before} pages");
            Assert.Equal((uint)after, volume.GetPageCount(volume.AppendedLsn));
            Assert.Equal("ok", Sql.Text(connection, "PRAGMA integrity_check"));
            await Sql.WriteAsync(connection, "WITH RECURSIVE c(i) AS (SELECT 101 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, printf('%.500c', 'q') FROM c", TestToken);
        }

        await using var reopened = Database.Open(volume);
        using var check = reopened.OpenConnection();
        Assert.Equal("ok", Sql.Text(check, "PRAGMA integrity_check"));
        Assert.Equal(2000, Sql.Long(check, "SELECT COUNT(*) FROM t"));
        Assert.Equal(1900, Sql.Long(check, "SELECT COUNT(*) FROM t WHERE pad LIKE 'q%'"));
    }

    [Fact]
    public async Task SavepointRollbackUndoesOnlyItsPart()
    {
        await using var database = Database.Open(new InMemoryVolume());
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY)", TestToken);

        await connection.AcquireWriteLockAsync(TestToken);
        Sql.Exec(connection, "BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s; INSERT INTO t VALUES (2); ROLLBACK TO s; INSERT INTO t VALUES (3); COMMIT");
        connection.EndStatement();

        using var other = database.OpenConnection();
        Assert.Equal(4, Sql.Long(other, "SELECT SUM(id) FROM t"));
    }

    [Fact]
    public async Task TemporaryTablesAndSortsStayOutOfTheVolume()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", TestToken);
        await Sql.WriteAsync(connection, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, hex(randomblob(50)) FROM c", TestToken);
        long batches = volume.Batches;

        Sql.Exec(connection, "CREATE TEMP TABLE scratch AS SELECT * FROM t ORDER BY v; INSERT INTO scratch SELECT * FROM scratch");
        Assert.Equal(4000, Sql.Long(connection, "SELECT COUNT(*) FROM scratch"));
        Assert.Equal(2000, Sql.Long(connection, "SELECT COUNT(DISTINCT v) FROM (SELECT v FROM t ORDER BY v DESC)"));
        Assert.Equal(batches, volume.Batches);
    }

    [Fact]
    public async Task AFailedPageReadFailsTheStatementAndReadsWorkAgainAfterwards()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using (var setup = Database.Open(volume))
        {
            using var connection = setup.OpenConnection();
            await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)", TestToken);
            await Sql.WriteAsync(connection, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500) INSERT INTO t SELECT i, printf('%.500c', 'p') FROM c", TestToken);
        }
        await using var database = Database.Open(volume);
        using var reader = database.OpenConnection();
        Assert.Equal("ok", Sql.Text(reader, "PRAGMA quick_check"));
        Sql.Exec(reader, "PRAGMA cache_size = 2");
        await using var cold = Database.Open(volume);
        using var coldReader = cold.OpenConnection();

        volume.FailReads = true;
        int rc = Sql.TryExec(coldReader, "SELECT SUM(length(pad)) FROM t");
        Assert.Equal(raw.SQLITE_IOERR, rc & 0xff);
        Assert.IsType<VolumeException>(coldReader.LastIoError);
        volume.FailReads = false;

        Assert.Equal(500 * 500, Sql.Long(coldReader, "SELECT SUM(length(pad)) FROM t"));
        Assert.Equal("ok", Sql.Text(coldReader, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task AReaderPinnedBeforeAShrinkingVacuumStillReadsItsSnapshot()
    {
        await using var database = Database.Open(new InMemoryVolume(), new DatabaseOptions { CacheBytes = 8 * 4096 });
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        Sql.Exec(reader, "PRAGMA cache_size = 2");
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)", TestToken);
        await Sql.WriteAsync(writer, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, printf('%.500c', 'p') FROM c", TestToken);

        Sql.Exec(reader, "BEGIN");
        Assert.Equal(2000, Sql.Long(reader, "SELECT COUNT(*) FROM t WHERE id > 0"));
        long pages = Sql.Long(reader, "PRAGMA page_count");
        await Sql.WriteAsync(writer, "DELETE FROM t WHERE id > 10", TestToken);
        await Sql.WriteAsync(writer, "VACUUM", TestToken);
        Assert.True(Sql.Long(writer, "PRAGMA page_count") < pages / 10);

        Assert.Equal(2000 * 500, Sql.Long(reader, "SELECT SUM(length(pad)) FROM t"));
        Assert.Equal(pages, Sql.Long(reader, "PRAGMA page_count"));
        Sql.Exec(reader, "COMMIT");
        Assert.Equal(10, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
        Assert.Equal("ok", Sql.Text(reader, "PRAGMA integrity_check"));
    }
}
