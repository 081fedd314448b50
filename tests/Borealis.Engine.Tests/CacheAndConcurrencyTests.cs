using Borealis.Testing;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

public sealed class CacheAndConcurrencyTests : BorealisTest
{
    [Fact]
    public async Task CacheStaysWithinItsBudgetWhileEveryRowStaysReadable()
    {
        const long budget = 64 * 4096;
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume, new DatabaseOptions { CacheBytes = budget });
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", TestToken);

        for (int batch = 0; batch < 40; batch++)
        {
            int first = batch * 250;
            await Sql.WriteAsync(writer, $"WITH RECURSIVE c(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM c WHERE i < {first + 249}) INSERT INTO t SELECT i, printf('%d-%.200c', i, 'v') FROM c", TestToken);
            Assert.True(database.GetStatistics().CacheBytes <= budget, $"cache holds {database.GetStatistics().CacheBytes} bytes after batch {batch}");
            Assert.Equal(first + 250, Sql.Long(reader, "SELECT COUNT(*) FROM t"));
            Assert.True(database.GetStatistics().CacheBytes <= budget);
        }

        var stats = database.GetStatistics();
        long pages = Sql.Long(reader, "PRAGMA page_count");
        Assert.True(pages * 4096 > 8 * budget, $"the data ({pages} pages) must be far larger than the cache");
        Assert.True(stats.Evictions > 0);
        Assert.Equal(10000, Sql.Long(reader, "SELECT COUNT(*) FROM t WHERE v = printf('%d-%.200c', id, 'v')"));
        Assert.Equal(49995000, Sql.Long(reader, "SELECT SUM(id) FROM t"));
        Assert.Equal("ok", Sql.Text(reader, "PRAGMA integrity_check"));
        Assert.True(database.GetStatistics().CacheBytes <= budget);
        Assert.Equal(0, volume.BelowHorizonReads);
    }

    [Fact]
    public async Task PinnedReaderSeesItsSnapshotAfterItsVersionsWereEvicted()
    {
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume, new DatabaseOptions { CacheBytes = 16 * 4096 });
        using var writer = database.OpenConnection();
        using var reader = database.OpenConnection();
        Sql.Exec(reader, "PRAGMA cache_size = 2");
        await Sql.WriteAsync(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT, pad TEXT)", TestToken);
        await Sql.WriteAsync(writer, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, 1, printf('%.300c', 'p') FROM c", TestToken);

        Sql.Exec(reader, "BEGIN");
        Assert.Equal(2000, Sql.Long(reader, "SELECT SUM(v) FROM t"));
        var horizonBefore = volume.Horizon;
        for (int round = 0; round < 5; round++)
            await Sql.WriteAsync(writer, "UPDATE t SET v = v + 1", TestToken);

        Assert.Equal(2000, Sql.Long(reader, "SELECT SUM(v) FROM t"));
        Assert.True(volume.Horizon <= reader.ReadPoint!.Value, "the horizon passed a pinned read point");
        Sql.Exec(reader, "COMMIT");
        Assert.Equal(12000, Sql.Long(reader, "SELECT SUM(v) FROM t"));
        await Sql.WriteAsync(writer, "UPDATE t SET v = 0 WHERE id = 1", TestToken);
        Assert.True(volume.Horizon > horizonBefore);
        Assert.Equal(0, volume.BelowHorizonReads);
        Assert.True(database.GetStatistics().CacheBytes <= 16 * 4096);
    }

    [Fact]
    public async Task ConcurrentTransfersKeepTheTotalForEveryReader()
    {
        const int accounts = 200;
        const long total = accounts * 1000L;
        var volume = new CountingVolume(new InMemoryVolume());
        await using var database = Database.Open(volume, new DatabaseOptions { CacheBytes = 16 * 4096 });
        using (var setup = database.OpenConnection())
        {
            await Sql.WriteAsync(setup, "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INT NOT NULL, pad TEXT)", TestToken);
            await Sql.WriteAsync(setup, $"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {accounts}) INSERT INTO account SELECT i, 1000, printf('%.500c', 'a') FROM c", TestToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        long transfers = 0;
        long checks = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            using var connection = database.OpenConnection();
            for (int i = 0; i < 400; i++)
            {
                int from = random.Next(1, accounts + 1);
                int to = random.Next(1, accounts + 1);
                int amount = random.Next(1, 50);
                await connection.AcquireWriteLockAsync(TestToken);
                try
                {
                    Sql.Exec(connection, $"BEGIN; UPDATE account SET balance = balance - {amount} WHERE id = {from}; UPDATE account SET balance = balance + {amount} WHERE id = {to}; COMMIT");
                }
                finally
                {
                    connection.EndStatement();
                }
                await connection.WaitForDurableAsync(TestToken);
                Interlocked.Increment(ref transfers);
            }
        }

        async Task ReaderAsync(int index)
        {
            await Task.Yield();
            using var connection = database.OpenConnection();
            // Tiny SQLite caches: most reads go through the VFS and its multi-version cache.
            Sql.Exec(connection, $"PRAGMA cache_size = {2 + index}");
            while (!stop.IsCancellationRequested)
            {
                long sum = Sql.Long(connection, "SELECT SUM(balance) FROM account");
                if (sum != total)
                    failures.Enqueue($"autocommit read saw {sum}");
                Sql.Exec(connection, "BEGIN");
                long first = Sql.Long(connection, "SELECT SUM(balance) FROM account WHERE id <= 100");
                long second = Sql.Long(connection, "SELECT SUM(balance) FROM account WHERE id > 100");
                long again = Sql.Long(connection, "SELECT SUM(balance) FROM account WHERE id <= 100");
                Sql.Exec(connection, "COMMIT");
                if (first + second != total || again != first)
                    failures.Enqueue($"transaction saw {first} + {second}, then {again}");
                Interlocked.Increment(ref checks);
            }
        }

        var readers = Enumerable.Range(0, 3).Select(i => Task.Run(() => ReaderAsync(i), TestToken)).ToArray();
        var writers = Enumerable.Range(0, 2).Select(seed => Task.Run(() => WriterAsync(seed), TestToken)).ToArray();
        await Task.WhenAll(writers);
        await Eventually.AssertAsync(() => Interlocked.Read(ref checks) >= 20, because: "readers must make progress");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.Equal(800, transfers);
        using var check = database.OpenConnection();
        Assert.Equal(total, Sql.Long(check, "SELECT SUM(balance) FROM account"));
        Assert.Equal("ok", Sql.Text(check, "PRAGMA integrity_check"));
        Assert.Equal(0, volume.BelowHorizonReads);
        Assert.True(database.GetStatistics().CacheBytes <= 16 * 4096);
        Assert.True(database.GetStatistics().Evictions > 0);
    }
}
