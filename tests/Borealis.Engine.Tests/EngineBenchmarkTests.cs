using System.Diagnostics;
using Borealis.Testing;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine.Tests;

/// <summary>Throughput of the engine's hot paths, printed for comparison (not a timed assertion).</summary>
[Trait("Category", "Soak")]
public sealed class EngineBenchmarkTests : BorealisTest
{
    [Fact]
    public Task SingleRowCommitsAndPointSelectsOnInMemoryVolume() => RunAsync(new InMemoryVolume(), "in-memory volume");

    [Fact]
    public Task SingleRowCommitsAndPointSelectsOnSinkVolume() => RunAsync(new SinkVolume(), "sink volume");

    static async Task RunAsync(IVolume volume, string label)
    {
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        await Sql.WriteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, n INT)", TestToken);
        const int rows = 20000;

        raw.sqlite3_prepare_v2(connection.Handle, "INSERT INTO t VALUES (?, 'a title of about thirty bytes', ?)", out var insert);
        var clock = Stopwatch.StartNew();
        using (insert)
        {
            for (int i = 1; i <= rows; i++)
            {
                await connection.AcquireWriteLockAsync(TestToken);
                raw.sqlite3_bind_int64(insert, 1, i);
                raw.sqlite3_bind_int64(insert, 2, i);
                Assert.Equal(raw.SQLITE_DONE, raw.sqlite3_step(insert));
                raw.sqlite3_reset(insert);
                connection.EndStatement();
                await connection.WaitForDurableAsync(TestToken);
            }
        }
        double insertRate = rows / clock.Elapsed.TotalSeconds;

        raw.sqlite3_prepare_v2(connection.Handle, "SELECT title FROM t WHERE id = ?", out var select);
        var random = new Random(1);
        const int selects = 200000;
        clock.Restart();
        using (select)
        {
            for (int i = 0; i < selects; i++)
            {
                raw.sqlite3_bind_int64(select, 1, random.Next(1, rows + 1));
                Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(select));
                raw.sqlite3_reset(select);
            }
        }
        double selectRate = selects / clock.Elapsed.TotalSeconds;
        var stats = database.GetStatistics();
        TestContext.Current.SendDiagnosticMessage($"{label}: single-row commits/s: {insertRate:N0}; point selects/s: {selectRate:N0}; hits {stats.CacheHits}, misses {stats.CacheMisses}");
        Console.WriteLine($"BENCH {label}: single-row commits/s: {insertRate:N0}; point selects/s: {selectRate:N0}; hits {stats.CacheHits}, misses {stats.CacheMisses}");
    }

    [Fact]
    public async Task PointSelectsOnFourThreadsWhileOneThreadCommits()
    {
        await using var database = Database.Open(new SinkVolume());
        const int rows = 20000;
        using (var setup = database.OpenConnection())
        {
            await Sql.WriteAsync(setup, "CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, n INT)", TestToken);
            await Sql.WriteAsync(setup, $"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {rows}) INSERT INTO t SELECT i, 'a title of about thirty bytes', i FROM c", TestToken);
        }
        using var stop = new CancellationTokenSource();
        long selects = 0;
        long commits = 0;

        void Reader(int seed)
        {
            using var connection = database.OpenConnection();
            raw.sqlite3_prepare_v2(connection.Handle, "SELECT title FROM t WHERE id = ?", out var select);
            using (select)
            {
                var random = new Random(seed);
                while (!stop.IsCancellationRequested)
                {
                    raw.sqlite3_bind_int64(select, 1, random.Next(1, rows + 1));
                    Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(select));
                    raw.sqlite3_reset(select);
                    Interlocked.Increment(ref selects);
                }
            }
        }

        async Task WriterAsync()
        {
            using var connection = database.OpenConnection();
            raw.sqlite3_prepare_v2(connection.Handle, "UPDATE t SET n = n + 1 WHERE id = ?", out var update);
            using (update)
            {
                var random = new Random(7);
                while (!stop.IsCancellationRequested)
                {
                    await connection.AcquireWriteLockAsync(TestToken);
                    raw.sqlite3_bind_int64(update, 1, random.Next(1, rows + 1));
                    Assert.Equal(raw.SQLITE_DONE, raw.sqlite3_step(update));
                    raw.sqlite3_reset(update);
                    connection.EndStatement();
                    await connection.WaitForDurableAsync(TestToken);
                    Interlocked.Increment(ref commits);
                }
            }
        }

        var tasks = Enumerable.Range(0, 4).Select(i => Task.Factory.StartNew(() => Reader(i), TestToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).Append(Task.Run(WriterAsync, TestToken)).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(3), TestToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        double seconds = clock.Elapsed.TotalSeconds;
        var stats = database.GetStatistics();
        Console.WriteLine($"BENCH 4 readers + 1 writer: point selects/s {selects / seconds:N0}, commits/s {commits / seconds:N0}; cache hits {stats.CacheHits}, misses {stats.CacheMisses}");
    }
}
