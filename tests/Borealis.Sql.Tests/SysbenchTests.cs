using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>The statements sysbench's oltp scripts send (prepare, run, cleanup), text and prepared.</summary>
public sealed class SysbenchTests : SqlTestBase
{
    async Task PrepareAsync(int rows)
    {
        await RunAsync("CREATE DATABASE sbtest; USE sbtest");
        await OkAsync("CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */");
        var values = string.Join(",", Enumerable.Range(1, rows).Select(i => $"({i * 7 % 100}, 'c-{i:D5}-xxxx', 'pad-{i}')"));
        var ok = await OkAsync("INSERT INTO sbtest1(k, c, pad) VALUES " + values);
        Assert.Equal((ulong)rows, ok.AffectedRows);
        Assert.Equal(1UL, ok.LastInsertId);
        await OkAsync("CREATE INDEX k_1 ON sbtest1(k)");
    }

    [Fact]
    public async Task PrepareRunAndCleanupStatementsWork()
    {
        await PrepareAsync(100);
        Assert.Equal("c-00042-xxxx", await ScalarAsync("SELECT c FROM sbtest1 WHERE id=42"));
        var range = await RowsAsync("SELECT c FROM sbtest1 WHERE id BETWEEN 10 AND 19");
        Assert.Equal(10, range.Count);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => i * 7 % 100).Sum().ToString(System.Globalization.CultureInfo.InvariantCulture),
            await ScalarAsync("SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN 10 AND 19"));
        var ordered = await RowsAsync("SELECT c FROM sbtest1 WHERE id BETWEEN 10 AND 19 ORDER BY c");
        Assert.Equal("c-00010-xxxx", ordered[0][0]);
        var distinct = await RowsAsync("SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 10 AND 19 ORDER BY c");
        Assert.Equal(10, distinct.Count);
        var update = await OkAsync("UPDATE sbtest1 SET k=k+1 WHERE id=5");
        Assert.Equal(1UL, update.AffectedRows);
        Assert.Equal("36", await ScalarAsync("SELECT k FROM sbtest1 WHERE id=5"));
        await OkAsync("UPDATE sbtest1 SET c='new-c' WHERE id=6");
        Assert.Equal(1UL, (await OkAsync("DELETE FROM sbtest1 WHERE id=7")).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("INSERT INTO sbtest1 (id, k, c, pad) VALUES (7, 3, 'again', 'pad')")).AffectedRows);
        Assert.Equal("100", await ScalarAsync("SELECT COUNT(*) FROM sbtest1"));
        // oltp_insert with auto_inc: id 0 means "generate".
        var generated = await OkAsync("INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, 1, 'gen', 'pad')");
        Assert.Equal(101UL, generated.LastInsertId);
        await OkAsync("DROP TABLE IF EXISTS sbtest1");
        await AssertErrorAsync(Errors.MySqlErrorCode.NoSuchTable, "SELECT c FROM sbtest1 WHERE id=1");
    }

    [Fact]
    public async Task PreparedPointSelectAndWritesBindParameters()
    {
        await PrepareAsync(50);
        var select = Session.Prepare("SELECT c FROM sbtest1 WHERE id=?");
        Assert.Equal(1, select.ParameterCount);
        Assert.Single(select.Columns);
        Assert.Equal(MySqlColumnType.String, select.Columns[0].Type);
        for (int id = 1; id <= 50; id += 7)
        {
            var sink = new RecordingSink();
            await Session.ExecutePreparedAsync(select, [(long)id], sink, TestToken);
            Assert.Equal($"c-{id:D5}-xxxx", sink.Last.Rows[0][0]);
        }
        var range = Session.Prepare("SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c");
        var rs = new RecordingSink();
        await Session.ExecutePreparedAsync(range, [3L, 5L], rs, TestToken);
        Assert.Equal(3, rs.Last.Rows.Count);
        var update = Session.Prepare("UPDATE sbtest1 SET k=k+1 WHERE id=?");
        var us = new RecordingSink();
        await Session.ExecutePreparedAsync(update, [1L], us, TestToken);
        Assert.Equal(1UL, us.Last.Ok!.Value.AffectedRows);
        var delete = Session.Prepare("DELETE FROM sbtest1 WHERE id=?");
        await Session.ExecutePreparedAsync(delete, [2L], new RecordingSink(), TestToken);
        var insert = Session.Prepare("INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)");
        Assert.Equal(4, insert.ParameterCount);
        var ins = new RecordingSink();
        await Session.ExecutePreparedAsync(insert, [2L, 9L, "reinserted", "p"], ins, TestToken);
        Assert.Equal(1UL, ins.Last.Ok!.Value.AffectedRows);
        Assert.Equal("reinserted", await ScalarAsync("SELECT c FROM sbtest1 WHERE id = 2"));
        Session.ClosePrepared(select);
    }

    [Fact]
    public async Task TransactionsFromOltpReadWriteCommit()
    {
        await PrepareAsync(10);
        await OkAsync("BEGIN");
        Assert.True(Session.Status.HasFlag(ServerStatus.InTransaction));
        await OkAsync("UPDATE sbtest1 SET k=k+1 WHERE id=1");
        await OkAsync("DELETE FROM sbtest1 WHERE id=2");
        await OkAsync("INSERT INTO sbtest1 (id, k, c, pad) VALUES (2, 1, 'x', 'y')");
        await OkAsync("COMMIT");
        Assert.False(Session.Status.HasFlag(ServerStatus.InTransaction));
        Assert.Equal("x", await ScalarAsync("SELECT c FROM sbtest1 WHERE id=2"));
    }
}
