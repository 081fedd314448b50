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
}
