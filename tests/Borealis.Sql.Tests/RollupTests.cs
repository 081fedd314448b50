using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>GROUP BY … WITH ROLLUP and GROUPING().</summary>
public sealed class RollupTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE d; USE d;
            CREATE TABLE s (y INT, q VARCHAR(5), amt DECIMAL(8,2));
            INSERT INTO s VALUES (2023, 'q1', 10.5), (2023, 'q2', 20), (2024, 'q1', 5), (2024, 'q1', 1.25), (NULL, 'q3', 7)
            """);
    }

    [Fact]
    public async Task SuperAggregateRowsFollowTheirGroupsAndTheGrandTotalComesLast()
    {
        var r = await ExecAsync("SELECT y, q, SUM(amt), COUNT(*), GROUPING(y), GROUPING(q) FROM s GROUP BY y, q WITH ROLLUP");
        Assert.Equal(["y", "q", "SUM(amt)", "COUNT(*)", "GROUPING(y)", "GROUPING(q)"], r.Columns!.Select(c => c.Name).ToArray());
        Assert.Equal(Results.MySqlColumnType.NewDecimal, r.Columns![2].Type);
        Assert.Equal(
        [
            [null, "q3", "7.00", "1", "0", "0"],
            [null, null, "7.00", "1", "0", "1"],
            ["2023", "q1", "10.50", "1", "0", "0"],
            ["2023", "q2", "20.00", "1", "0", "0"],
            ["2023", null, "30.50", "2", "0", "1"],
            ["2024", "q1", "6.25", "2", "0", "0"],
            ["2024", null, "6.25", "2", "0", "1"],
            [null, null, "43.75", "5", "1", "1"],
        ], r.Rows);
    }

    [Fact]
    public async Task AliasesPositionsOrderLimitAndParametersWork()
    {
        Assert.Equal([[null, "1"], ["2023", "2"], ["2024", "2"], [null, "5"]], await RowsAsync("SELECT y AS year, COUNT(*) AS c FROM s GROUP BY year WITH ROLLUP"));
        Assert.Equal([[null, "5"], ["2023", "2"]], await RowsAsync("SELECT y, COUNT(*) AS c FROM s GROUP BY 1 WITH ROLLUP ORDER BY c DESC, y LIMIT 2"));
        var statement = Session.Prepare("SELECT y, SUM(amt) FROM s WHERE amt > ? GROUP BY y WITH ROLLUP");
        var sink = new RecordingSink();
        await Session.ExecutePreparedAsync(statement, [6L], sink, TestToken);
        Assert.Equal([[null, "7.00"], ["2023", "30.50"], [null, "37.50"]], sink.Last.Rows);
        // No rows: no groups, so no super-aggregates either.
        Assert.Empty(await RowsAsync("SELECT y, COUNT(*) FROM s WHERE amt > 100 GROUP BY y WITH ROLLUP"));
    }

    [Fact]
    public async Task HavingFiltersTheSuperAggregateRowsToo()
    {
        // By an aggregate, by a select alias, by a rolled-up key (NULL in super-aggregate rows), by GROUPING().
        Assert.Equal([["2023", "2"], ["2024", "2"], [null, "5"]], await RowsAsync("SELECT y, COUNT(*) FROM s GROUP BY y WITH ROLLUP HAVING COUNT(*) > 1"));
        Assert.Equal([[null, "43.75"]], await RowsAsync("SELECT y, SUM(amt) AS total FROM s GROUP BY y WITH ROLLUP HAVING total > 31"));
        Assert.Equal([[null, "7.00"], [null, "43.75"]], await RowsAsync("SELECT y, SUM(amt) FROM s GROUP BY y WITH ROLLUP HAVING y IS NULL"));
        Assert.Equal([[null, null, "7.00"], ["2023", null, "30.50"], ["2024", null, "6.25"]],
            await RowsAsync("SELECT y, q, SUM(amt) FROM s GROUP BY y, q WITH ROLLUP HAVING GROUPING(q) = 1 AND GROUPING(y) = 0"));
        // An aggregate the select list does not have; and no row left at all.
        Assert.Equal([["2024", "5.00"], [null, "20.00"]], await RowsAsync("SELECT y, MAX(amt) FROM s GROUP BY y WITH ROLLUP HAVING MIN(amt) < 6"));
        Assert.Empty(await RowsAsync("SELECT y, COUNT(*) FROM s GROUP BY y WITH ROLLUP HAVING COUNT(*) > 10"));
    }

    [Fact]
    public async Task ASelectListWithoutAggregatesRollsUpToo()
    {
        // Only keys: each group once, then its super-aggregate rows (SQLite refused the grand total's HAVING here).
        Assert.Equal([[null], ["2023"], ["2024"], [null]], await RowsAsync("SELECT y FROM s GROUP BY y WITH ROLLUP"));
        Assert.Equal([["2024", "q1"], ["2024", null], [null, null]], await RowsAsync("SELECT y, q FROM s WHERE y = 2024 GROUP BY y, q WITH ROLLUP"));
        Assert.Empty(await RowsAsync("SELECT y FROM s WHERE y > 3000 GROUP BY y WITH ROLLUP"));
    }

    [Fact]
    public async Task FormsNotTranslatedAreRefusedWith1235()
    {
        Assert.Equal(MySqlErrorCode.NotSupportedYet, (await ErrorAsync("SELECT DISTINCT COUNT(*) FROM s GROUP BY y WITH ROLLUP")).Code);
        Assert.Equal(MySqlErrorCode.NotSupportedYet, (await ErrorAsync("SELECT COUNT(*) FROM s GROUP BY y + 1 WITH ROLLUP")).Code);
        Assert.Equal(MySqlErrorCode.NotSupportedYet, (await ErrorAsync("SELECT y, COUNT(*) FROM s GROUP BY y WITH ROLLUP ORDER BY SUM(amt)")).Code);
        Assert.Equal("5", await ScalarAsync("SELECT COUNT(*) FROM s"));
    }
}
