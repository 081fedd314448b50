namespace Borealis.Sql.Tests;

public sealed class ConcurrencyTests : SqlTestBase
{
    [Fact]
    public async Task ConcurrentSessionsInsertWithoutLosingRows()
    {
        await RunAsync("CREATE DATABASE c; USE c; CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, who INT, n INT)");
        var sessions = Enumerable.Range(0, 4).Select(_ => OpenSession("c")).ToList();
        var tasks = sessions.Select((s, w) => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
                await OkAsync($"INSERT INTO t (who, n) VALUES ({w}, {i})", s);
        })).ToList();
        await Task.WhenAll(tasks);
        Assert.Equal("400", await ScalarAsync("SELECT COUNT(*) FROM t"));
        Assert.Equal("400", await ScalarAsync("SELECT COUNT(DISTINCT id) FROM t"));
        foreach (var s in sessions)
            s.Dispose();
    }

    [Fact]
    public async Task AWriterWaitsForTheOpenWriteTransaction()
    {
        await RunAsync("CREATE DATABASE c; USE c; CREATE TABLE t (id INT PRIMARY KEY)");
        var other = OpenSession("c");
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (1)");
        var waiting = Task.Run(() => OkAsync("INSERT INTO t VALUES (2)", other));
        // The second writer cannot finish while the first transaction holds the write lock; a reader is not blocked.
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t", OpenSession("c")));
        Assert.False(waiting.IsCompleted);
        await OkAsync("COMMIT");
        await waiting;
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM t"));
        other.Dispose();
    }

    [Fact]
    public async Task InsertWithNoColumnsUsesDefaults()
    {
        await RunAsync("CREATE DATABASE c; USE c; CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT DEFAULT 7)");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t () VALUES ()")).LastInsertId);
        Assert.Equal("7", await ScalarAsync("SELECT v FROM t"));
    }
}
