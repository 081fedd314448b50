// Rename to .cs once LocalVolume (wip/volume) is merged: verified green against wip/volume 1de69e2.
using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

public sealed class LocalVolumeIntegrationTests : BorealisTest
{
    [Fact]
    public async Task EngineOnLocalVolumeSurvivesReopenAndMatchesStockSqlite()
    {
        string dir = Path.Combine(Path.GetTempPath(), "borealis-integ-" + Guid.NewGuid().ToString("N"));
        var options = new LocalVolumeOptions { CheckpointThresholdBytes = 256 * 1024, MaxMemoryRedoBytes = 256 * 1024, MaxCachedImages = 16 };
        Batteries_V2.Init();
        var random = new Random(5);
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_open(":memory:", out var reference));
        const string digest = "SELECT COUNT(*) || ':' || COALESCE(SUM(id * 7 + length(v) * 13 + n), 0) FROM t";
        string expected = "";
        try
        {
            for (int session = 0; session < 4; session++)
            {
                await using var volume = await LocalVolume.OpenAsync(dir, options, TestToken);
                await using var database = Database.Open(volume, new DatabaseOptions { CacheBytes = 16 * 4096 });
                using var writer = database.OpenConnection();
                using var reader = database.OpenConnection();
                if (session == 0)
                {
                    const string schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INT); CREATE INDEX t_n ON t (n)";
                    await Sql.WriteAsync(writer, schema, TestToken);
                    // Read-only transactions of other connections start at the newest durable commit.
                    await writer.WaitForDurableAsync(TestToken);
                    raw.sqlite3_exec(reference, schema);
                }
                else
                {
                    Assert.Equal("ok", Sql.Text(reader, "PRAGMA integrity_check"));
                    Assert.Equal(expected, Sql.Text(reader, digest));
                }
                Sql.Exec(reader, "PRAGMA cache_size = 3");
                Sql.Exec(reader, "BEGIN");
                string pinned = Sql.Text(reader, digest);
                for (int step = 0; step < 60; step++)
                {
                    int id = random.Next(1, 500);
                    string sql = random.Next(4) switch
                    {
                        0 => $"INSERT OR REPLACE INTO t VALUES ({id}, printf('%.{random.Next(0, 3000)}c', 'z'), {random.Next(100)})",
                        1 => $"WITH RECURSIVE c(i) AS (SELECT {id} UNION ALL SELECT i + 1 FROM c WHERE i < {id + 50}) INSERT OR IGNORE INTO t SELECT i, printf('%.200c', 'r'), i % 17 FROM c",
                        2 => $"UPDATE t SET n = n + 1, v = v || 'x' WHERE id BETWEEN {id} AND {id + 60}",
                        _ => $"DELETE FROM t WHERE id BETWEEN {id} AND {id + 30}",
                    };
                    await Sql.WriteAsync(writer, sql, TestToken);
                    await writer.WaitForDurableAsync(TestToken);
                    raw.sqlite3_exec(reference, sql);
                    Assert.Equal(pinned, Sql.Text(reader, digest));
                }
                Sql.Exec(reader, "COMMIT");
                expected = Sql.Text(writer, digest);
                Assert.Equal(Sql.Text(writer, digest), Sql.Text(reader, digest));
                Assert.True(database.GetStatistics().CacheBytes <= 16 * 4096);
                Console.WriteLine($"INTEG session {session}: checkpoints {volume.CheckpointCount}, flushes {volume.FlushCount}, log bytes {volume.LogBytes}");
            }
            Assert.NotEqual("", expected);
            Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(reference, digest, out var statement));
            using (statement)
            {
                raw.sqlite3_step(statement);
                Assert.Equal(raw.sqlite3_column_text(statement, 0).utf8_to_string(), expected);
            }
        }
        finally
        {
            raw.sqlite3_close(reference);
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class LocalVolumeBench : BorealisTest
{
    [Fact]
    public async Task CommitsOnFourThreads()
    {
        string dir = Path.Combine(Path.GetTempPath(), "borealis-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var volume = await LocalVolume.OpenAsync(dir, new LocalVolumeOptions(), TestToken);
            await using var database = Database.Open(volume);
            using (var setup = database.OpenConnection())
                await Sql.WriteAsync(setup, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, n INT)", TestToken);
            long commits = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            async Task WorkerAsync()
            {
                using var c = database.OpenConnection();
                while (clock.Elapsed < TimeSpan.FromSeconds(3))
                {
                    await Sql.WriteAsync(c, "INSERT INTO t (title, n) VALUES ('a title of about thirty bytes', 1)", TestToken);
                    await c.WaitForDurableAsync(TestToken);
                    Interlocked.Increment(ref commits);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(WorkerAsync, TestToken)));
            Console.WriteLine($"INTEG 4 threads durable single-row commits/s: {commits / clock.Elapsed.TotalSeconds:N0}, flushes {volume.FlushCount}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
