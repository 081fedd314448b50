namespace Borealis.Sql.Tests;

public sealed class QueryTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE q; USE q;
            CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(20));
            CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20), dept_id INT, salary INT);
            INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
            INSERT INTO emp VALUES (1, 'ann', 1, 100), (2, 'bo', 1, 200), (3, 'cy', 2, 150), (4, 'di', NULL, 50);
            """);
    }

    [Fact]
    public async Task JoinsAndAliases()
    {
        var inner = await RowsAsync("SELECT e.name, d.name AS dept FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id");
        Assert.Equal([["ann", "eng"], ["bo", "eng"], ["cy", "ops"]], inner);
        var left = await RowsAsync("SELECT e.name, d.name FROM emp AS e LEFT JOIN dept AS d ON e.dept_id = d.id WHERE d.id IS NULL");
        Assert.Equal([["di", null]], left);
        var right = await RowsAsync("SELECT d.name FROM emp e RIGHT JOIN dept d ON e.dept_id = d.id WHERE e.id IS NULL");
        Assert.Equal([["empty"]], right);
        var comma = await ScalarAsync("SELECT COUNT(*) FROM emp, dept");
        Assert.Equal("12", comma);
        var qualified = await RowsAsync("SELECT q.emp.name FROM q.emp WHERE q.emp.id = 1");
        Assert.Equal([["ann"]], qualified);
        var usingJoin = await ScalarAsync("SELECT COUNT(*) FROM emp JOIN dept USING (id)");
        Assert.Equal("3", usingJoin);
    }

    [Fact]
    public async Task GroupByHavingAndAggregates()
    {
        var rows = await RowsAsync("SELECT dept_id, COUNT(*) AS n, SUM(salary), AVG(salary), MIN(name), MAX(salary) FROM emp WHERE dept_id IS NOT NULL GROUP BY dept_id HAVING n >= 1 ORDER BY dept_id");
        Assert.Equal([["1", "2", "300", "150.0000", "ann", "200"], ["2", "1", "150", "150.0000", "cy", "150"]], rows);
        Assert.Equal("ann,bo", await ScalarAsync("SELECT GROUP_CONCAT(name ORDER BY name) FROM emp WHERE dept_id = 1"));
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(DISTINCT dept_id) FROM emp"));
        Assert.Equal("2", (await RowsAsync("SELECT dept_id, COUNT(*) FROM emp GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"))[0][1]);
    }

    [Fact]
    public async Task SubqueriesAndUnion()
    {
        Assert.Equal([["bo"]], await RowsAsync("SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp)"));
        Assert.Equal(["ann", "bo"], (await RowsAsync("SELECT name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE name = 'ENG') ORDER BY name")).Select(r => r[0]).ToArray());
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id)"));
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM (SELECT dept_id FROM emp GROUP BY dept_id HAVING COUNT(*) = 1) AS x"));
        var union = await RowsAsync("SELECT name FROM dept UNION SELECT name FROM emp WHERE id < 3 ORDER BY name LIMIT 10");
        Assert.Equal(["ann", "bo", "empty", "eng", "ops"], union.Select(r => r[0]).ToArray());
        Assert.Equal("6", await ScalarAsync("SELECT COUNT(*) FROM (SELECT id FROM dept UNION ALL SELECT id FROM dept) t"));
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(*) FROM (SELECT id FROM dept UNION SELECT id FROM emp) u"));
    }

    [Fact]
    public async Task LimitForms()
    {
        Assert.Equal(["1", "2"], (await RowsAsync("SELECT id FROM emp ORDER BY id LIMIT 2")).Select(r => r[0]).ToArray());
        Assert.Equal(["2", "3"], (await RowsAsync("SELECT id FROM emp ORDER BY id LIMIT 1, 2")).Select(r => r[0]).ToArray());
        Assert.Equal(["3", "4"], (await RowsAsync("SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET 2")).Select(r => r[0]).ToArray());
        Assert.Equal(["4", "1"], (await RowsAsync("SELECT id FROM emp ORDER BY salary LIMIT 2")).Select(r => r[0]).ToArray());
        Assert.Equal(["bo"], (await RowsAsync("SELECT DISTINCT name FROM emp WHERE salary > 150")).Select(r => r[0]).ToArray());
    }

    [Fact]
    public async Task ShapeCacheKeepsLiteralsApart()
    {
        // The same statement shape with different literals, including in the select list and ORDER BY position.
        Assert.Equal("ann", await ScalarAsync("SELECT name FROM emp WHERE id = 1"));
        Assert.Equal("bo", await ScalarAsync("SELECT name FROM emp WHERE id = 2"));
        Assert.Equal("x", await ScalarAsync("SELECT 'x' FROM emp WHERE id = 1"));
        Assert.Equal("y", await ScalarAsync("SELECT 'y' FROM emp WHERE id = 1"));
        var byName = await RowsAsync("SELECT id, name FROM emp ORDER BY 2 DESC LIMIT 1");
        var byId = await RowsAsync("SELECT id, name FROM emp ORDER BY 1 DESC LIMIT 1");
        Assert.Equal("di", byName[0][1]);
        Assert.Equal("4", byId[0][0]);
        var r1 = await ExecAsync("SELECT 1 + 1");
        var r2 = await ExecAsync("SELECT 2 + 2");
        Assert.Equal("1 + 1", r1.Columns![0].Name);
        Assert.Equal("2 + 2", r2.Columns![0].Name);
        Assert.Equal("4", r2.Rows[0][0]);
    }

    [Fact]
    public async Task InsertSelectAndUpdateWithSubquery()
    {
        await OkAsync("CREATE TABLE archive (id INT, name VARCHAR(3))");
        var ok = await OkAsync("INSERT INTO archive SELECT id, name FROM emp WHERE salary >= 150");
        Assert.Equal(2UL, ok.AffectedRows);
        await AssertErrorAsync(Errors.MySqlErrorCode.DataTooLong, "INSERT INTO archive SELECT id, CONCAT(name, 'long') FROM emp");
        await OkAsync("UPDATE emp SET salary = salary + 1 WHERE dept_id = (SELECT id FROM dept WHERE name = 'ops')");
        Assert.Equal("151", await ScalarAsync("SELECT salary FROM emp WHERE id = 3"));
    }

    [Fact]
    public async Task FoundRowsCountsWithoutTheLimit()
    {
        Assert.Single(await RowsAsync("SELECT SQL_CALC_FOUND_ROWS name FROM emp WHERE salary > 60 ORDER BY id LIMIT 1"));
        Assert.Equal("3", await ScalarAsync("SELECT FOUND_ROWS()"));
        Assert.Equal(2, (await RowsAsync("SELECT name FROM emp LIMIT 2")).Count);
        Assert.Equal("2", await ScalarAsync("SELECT FOUND_ROWS()"));
    }

    [Fact]
    public async Task MultiTableUpdateAndDelete()
    {
        var ok = await OkAsync("UPDATE emp e JOIN dept d ON e.dept_id = d.id SET e.name = CONCAT(e.name, '@', d.name) WHERE d.name = 'eng'");
        Assert.Equal(2UL, ok.AffectedRows);
        Assert.Equal(["ann@eng", "bo@eng", "cy"], (await RowsAsync("SELECT name FROM emp WHERE id < 4 ORDER BY id")).Select(r => r[0]).ToArray());
        await OkAsync("UPDATE emp, dept SET salary = salary + 1 WHERE emp.dept_id = dept.id AND dept.name = 'ops'");
        Assert.Equal("151", await ScalarAsync("SELECT salary FROM emp WHERE id = 3"));
        Assert.Equal(1UL, (await OkAsync("DELETE e FROM emp e JOIN dept d ON e.dept_id = d.id WHERE d.name = 'ops'")).AffectedRows);
        Assert.Equal(2UL, (await OkAsync("DELETE FROM emp USING emp JOIN dept ON emp.dept_id = dept.id")).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("DELETE FROM emp AS x WHERE x.id = 4")).AffectedRows);
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM emp"));
    }

    [Fact]
    public async Task CountDistinctOfSeveralColumnsAndLongInLists()
    {
        Assert.Equal("3", await ScalarAsync("SELECT COUNT(DISTINCT dept_id, salary > 100) FROM emp"));
        var list = string.Join(", ", Enumerable.Range(1, 40000));
        Assert.Equal("4", await ScalarAsync($"SELECT COUNT(*) FROM emp WHERE id IN ({list})"));
    }

    [Fact]
    public async Task CommonTableExpressions()
    {
        Assert.Equal("2", await ScalarAsync("WITH rich AS (SELECT * FROM emp WHERE salary >= 150) SELECT COUNT(*) FROM rich"));
        Assert.Equal(["1", "2", "3", "4", "5"], (await RowsAsync("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n")).Select(r => r[0]).ToArray());
        Assert.Equal("eng", await ScalarAsync("WITH d AS (SELECT id, name FROM dept), e AS (SELECT dept_id FROM emp WHERE id = 1) SELECT d.name FROM d JOIN e ON d.id = e.dept_id"));
        Assert.Equal("4", await ScalarAsync("SELECT COUNT(*) FROM (WITH x AS (SELECT id FROM emp) SELECT * FROM x) y"));
    }

    [Fact]
    public async Task ADerivedOrCommonTableRefusesTwoColumnsOfOneName()
    {
        // 1060 as in MySQL, whichever way the name came about; the statement's own result may repeat a name.
        foreach (var sql in new[]
        {
            "SELECT 1 FROM (SELECT 1 AS a, 2 AS A) t",
            "SELECT * FROM (SELECT 1, 1) t",
            "SELECT * FROM (SELECT e.id, d.id FROM emp e JOIN dept d ON d.id = e.dept_id) t",
            "WITH c AS (SELECT 1 AS a, 2 AS a) SELECT * FROM c",
            "WITH c (x, x) AS (SELECT 1, 2) SELECT * FROM c",
        })
        {
            var ex = await ErrorAsync(sql);
            Assert.Equal(Errors.MySqlErrorCode.DupFieldName, ex.Code);
        }
        Assert.Equal([["1", "2"]], await RowsAsync("WITH c (x, y) AS (SELECT 1 AS a, 2 AS a) SELECT * FROM c"));
        Assert.Equal([["1", "1"]], await RowsAsync("SELECT 1 AS a, 1 AS a"));
        Assert.Equal([["1", "1"]], await RowsAsync("SELECT a, a FROM (SELECT 1 AS a) t"));
    }

    [Fact]
    public async Task WindowFunctions()
    {
        var rows = await RowsAsync("SELECT name, ROW_NUMBER() OVER (ORDER BY salary DESC) AS rn, SUM(salary) OVER (PARTITION BY dept_id) AS total FROM emp ORDER BY rn");
        Assert.Equal([["bo", "1", "300"], ["cy", "2", "150"], ["ann", "3", "300"], ["di", "4", "50"]], rows);
        var running = await RowsAsync("SELECT id, SUM(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM emp ORDER BY id");
        Assert.Equal(["100", "300", "350", "200"], running.Select(r => r[1]).ToArray());
        Assert.Equal("ann", await ScalarAsync("SELECT LAG(name) OVER (ORDER BY id) FROM emp WHERE id <= 2 ORDER BY id DESC LIMIT 1"));
    }

    [Fact]
    public async Task ExplainShowsThePlan()
    {
        var r = await ExecAsync("EXPLAIN SELECT name FROM emp WHERE id = 1");
        Assert.Equal("id", r.Columns![0].Name);
        Assert.Equal("Extra", r.Columns[11].Name);
        Assert.Contains(r.Rows, row => row[5] == "PRIMARY");
        Assert.Contains((await ExecAsync("EXPLAIN SELECT * FROM emp WHERE salary > 5")).Rows, row => row[4] == "ALL");
        Assert.NotEmpty((await ExecAsync("EXPLAIN UPDATE emp SET salary = 1 WHERE id = 2")).Rows);
    }

    [Fact]
    public async Task RunawayRecursionFails()
    {
        var ex = await ErrorAsync("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n");
        Assert.Equal(Errors.MySqlErrorCode.CteMaxRecursionDepth, ex.Code);
        Assert.Equal("1", await ScalarAsync("SELECT 1"));
    }
}
