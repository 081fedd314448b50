using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

/// <summary>
/// Random transactions run on the engine (tiny buffer cache, tiny SQLite caches, reopen on the same volume) and on
/// stock SQLite in memory; after every transaction both must hold the same data.
/// </summary>
public sealed class DifferentialTests : BorealisTest
{
    const string Digest = "SELECT COUNT(*) || ':' || COALESCE(SUM(id * 7 + length(v) * 13 + n), 0) || ':' || COALESCE(SUM(length(v)), 0) FROM t";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomTransactionsMatchStockSqlite(int seed)
    {
        var random = new Random(seed);
        var volume = new CountingVolume(new InMemoryVolume());
        var options = new DatabaseOptions { CacheBytes = 12 * 4096 };
        var database = Database.Open(volume, options);
        var writer = database.OpenConnection();
        var reader = database.OpenConnection();
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_open(":memory:", out var reference));
        try
        {
            const string schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INT); CREATE INDEX t_n ON t (n)";
            await Sql.WriteAsync(writer, schema, TestToken);
            Assert.Equal(raw.SQLITE_OK, raw.sqlite3_exec(reference, schema));
            Sql.Exec(writer, "PRAGMA cache_size = 3");
            Sql.Exec(reader, "PRAGMA cache_size = 3");

            for (int step = 0; step < 120; step++)
            {
                var statements = new List<string>();
                int count = random.Next(1, 6);
                for (int i = 0; i < count; i++)
                    statements.Add(RandomStatement(random));
                bool rollback = random.Next(5) == 0;
                string body = string.Join("; ", statements);

                await writer.AcquireWriteLockAsync(TestToken);
                Sql.Exec(writer, "BEGIN; " + body);
                Sql.Exec(writer, rollback ? "ROLLBACK" : "COMMIT");
                writer.EndStatement();
                Assert.False(writer.HoldsWriteLock);
                Assert.Equal(raw.SQLITE_OK, raw.sqlite3_exec(reference, "BEGIN; " + body + (rollback ? "; ROLLBACK" : "; COMMIT")));

                string expected = ReferenceDigest(reference);
                Assert.Equal(expected, Sql.Text(reader, Digest));
                Assert.Equal(expected, Sql.Text(writer, Digest));

                if (step % 40 == 39)
                {
                    writer.Dispose();
                    reader.Dispose();
                    await database.DisposeAsync();
                    database = Database.Open(volume, options);
                    writer = database.OpenConnection();
                    reader = database.OpenConnection();
                    Assert.Equal(expected, Sql.Text(reader, Digest));
                    Assert.Equal("ok", Sql.Text(reader, "PRAGMA integrity_check"));
                }
                if (step % 50 == 25)
                    await Sql.WriteAsync(writer, "VACUUM", TestToken);
            }
            Assert.Equal("ok", Sql.Text(reader, "PRAGMA integrity_check"));
            Assert.True(database.GetStatistics().CacheBytes <= options.CacheBytes);
            Assert.Equal(0, volume.BelowHorizonReads);
        }
        finally
        {
            writer.Dispose();
            reader.Dispose();
            await database.DisposeAsync();
            raw.sqlite3_close(reference);
        }
    }

    static string RandomStatement(Random random)
    {
        int id = random.Next(1, 400);
        return random.Next(6) switch
        {
            0 or 1 => $"INSERT OR REPLACE INTO t VALUES ({id}, printf('%.{random.Next(0, 3000)}c', '{(char)('a' + random.Next(26))}'), {random.Next(100)})",
            2 => $"WITH RECURSIVE c(i) AS (SELECT {id} UNION ALL SELECT i + 1 FROM c WHERE i < {id + random.Next(1, 60)}) INSERT OR IGNORE INTO t SELECT i, printf('%.{random.Next(0, 300)}c', 'r'), i % 17 FROM c",
            3 => $"UPDATE t SET n = n + 1, v = v || 'x' WHERE id BETWEEN {id} AND {id + random.Next(0, 80)}",
            4 => $"DELETE FROM t WHERE id BETWEEN {id} AND {id + random.Next(0, 40)}",
            _ => $"UPDATE t SET v = substr(v, 1, {random.Next(0, 100)}) WHERE n = {random.Next(100)}",
        };
    }

    static string ReferenceDigest(sqlite3 reference)
    {
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(reference, Digest, out var statement));
        using (statement)
        {
            Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(statement));
            return raw.sqlite3_column_text(statement, 0).utf8_to_string();
        }
    }
}
