namespace Borealis.Sql.Tests;

/// <summary>
/// The counters an instance reports on its status endpoint (and the control plane exports as metrics):
/// <see cref="SqlServer.Queries"/> counts client statements, the database's commits count write transactions.
/// </summary>
public sealed class ServerCountersTests : SqlTestBase
{
    [Fact]
    public async Task QueriesCountEveryClientStatementOnceWhetherItSucceedsOrFails()
    {
        await RunAsync("CREATE DATABASE c; USE c; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        long before = Server.Queries;
        Assert.Equal(3, before);

        for (int i = 1; i <= 10; i++)
            await OkAsync($"INSERT INTO t VALUES ({i}, 'x')");
        for (int i = 0; i < 5; i++)
            Assert.Equal("10", await ScalarAsync("SELECT COUNT(*) FROM t"));
        Assert.Equal(before + 15, Server.Queries);

        // A multi-statement query counts each of its statements; a failing statement counts too.
        await RunAsync("SELECT 1; SELECT 2; SELECT 3");
        Assert.Equal(1062, (int)(await ErrorAsync("INSERT INTO t VALUES (1, 'dup')")).Code);
        Assert.Equal(before + 19, Server.Queries);

        // Each execution of a prepared statement counts; preparing it does not.
        var select = Session.Prepare("SELECT v FROM t WHERE id = ?");
        for (long i = 1; i <= 4; i++)
            await Session.ExecutePreparedAsync(select, [i], new RecordingSink(), TestToken);
        Assert.Equal(before + 23, Server.Queries);

        // Other sessions count into the same server; SHOW STATUS reports the same number (itself included).
        var other = OpenSession("c");
        Assert.Equal(2, Server.SessionCount);
        await RunAsync("SELECT 1", other);
        var rows = await RowsAsync("SHOW GLOBAL STATUS LIKE 'Questions'");
        Assert.Equal((before + 25).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(rows)[1]);
        Assert.Equal(before + 25, Server.Queries);
        other.Dispose();
        Assert.Equal(1, Server.SessionCount);
    }

    [Fact]
    public async Task CommitsCountEachWriteTransactionAndNoRead()
    {
        await RunAsync("CREATE DATABASE c; USE c; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        long before = Database.GetStatistics().Commits;

        for (int i = 1; i <= 7; i++)
            await OkAsync($"INSERT INTO t VALUES ({i}, 'x')");
        Assert.Equal(before + 7, Database.GetStatistics().Commits);

        // Reads commit nothing; an explicit transaction is one commit however many rows it writes; a rollback none.
        Assert.Equal("7", await ScalarAsync("SELECT COUNT(*) FROM t"));
        await RunAsync("BEGIN; INSERT INTO t VALUES (8, 'y'); UPDATE t SET v = 'z' WHERE id < 4; DELETE FROM t WHERE id = 5; COMMIT");
        await RunAsync("BEGIN; INSERT INTO t VALUES (9, 'r'); ROLLBACK");
        Assert.Equal(before + 8, Database.GetStatistics().Commits);
        Assert.Equal("7", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }
}
