using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>INSERT, UPDATE and DELETE through updatable views, merged into the base table as MySQL does.</summary>
public sealed class ViewWriteTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE d; USE d;
            CREATE TABLE emp (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, dept VARCHAR(10), salary INT DEFAULT 0);
            INSERT INTO emp (name, dept, salary) VALUES ('ann', 'eng', 100), ('bob', 'ops', 50), ('cid', 'eng', 70);
            CREATE VIEW eng AS SELECT id, name AS who, salary AS pay, salary * 2 AS dbl FROM emp WHERE dept = 'eng'
            """);
    }

    async Task<List<string?[]>> EmpAsync() => await RowsAsync("SELECT id, name, dept, salary FROM emp ORDER BY id");

    [Fact]
    public async Task UpdateAndDeleteSeeOnlyTheViewsRowsByItsColumnNames()
    {
        Assert.Equal(1UL, (await OkAsync("UPDATE eng SET pay = pay + 1 WHERE who = 'ann'")).AffectedRows);
        // bob is not in the view: untouched, although the base table has him.
        Assert.Equal(0UL, (await OkAsync("UPDATE eng SET pay = 0 WHERE who = 'bob'")).AffectedRows);
        Assert.Equal(2UL, (await OkAsync("UPDATE eng AS e SET e.pay = e.pay * 10")).AffectedRows);
        Assert.Equal([["1", "ann", "eng", "1010"], ["2", "bob", "ops", "50"], ["3", "cid", "eng", "700"]], await EmpAsync());
        Assert.Equal([["ann", "2020"], ["cid", "1400"]], await RowsAsync("SELECT who, dbl FROM eng ORDER BY id"));

        Assert.Equal(1UL, (await OkAsync("DELETE FROM eng ORDER BY pay DESC LIMIT 1")).AffectedRows);
        Assert.Equal(0UL, (await OkAsync("DELETE FROM eng WHERE who = 'bob'")).AffectedRows);
        Assert.Equal([["2", "bob", "ops", "50"], ["3", "cid", "eng", "700"]], await EmpAsync());
    }

    [Fact]
    public async Task InsertGoesToTheBaseTableWithItsDefaultsAndGeneratedId()
    {
        await OkAsync("CREATE VIEW staff AS SELECT name, dept FROM emp");
        var ok = await OkAsync("INSERT INTO staff VALUES ('dan', 'ops'), ('eve', NULL)");
        Assert.Equal(2UL, ok.AffectedRows);
        Assert.Equal("4", await ScalarAsync("SELECT LAST_INSERT_ID()"));
        Assert.Equal([["4", "dan", "ops", "0"], ["5", "eve", null, "0"]], (await EmpAsync()).Skip(3).ToList());
        // A row outside the view's WHERE is still inserted (no CHECK OPTION), as in MySQL.
        await OkAsync("INSERT INTO eng (who, pay) VALUES ('fay', 5)");
        Assert.Equal(["6", "fay", null, "5"], (await EmpAsync())[^1]);
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM eng WHERE who = 'fay'"));
    }

    [Fact]
    public async Task PreparedWritesThroughAViewFollowItsNewDefinition()
    {
        var update = Session.Prepare("UPDATE eng SET pay = ? WHERE who = ?");
        await Session.ExecutePreparedAsync(update, [1L, "ann"], new RecordingSink(), TestToken);
        await Session.ExecutePreparedAsync(update, [2L, "bob"], new RecordingSink(), TestToken);
        Assert.Equal([["1", "ann", "eng", "1"], ["2", "bob", "ops", "50"], ["3", "cid", "eng", "70"]], await EmpAsync());
        // The view now shows ops: the same prepared statement reaches bob and no longer ann.
        await OkAsync("CREATE OR REPLACE VIEW eng AS SELECT id, name AS who, salary AS pay FROM emp WHERE dept = 'ops'");
        await Session.ExecutePreparedAsync(update, [3L, "bob"], new RecordingSink(), TestToken);
        await Session.ExecutePreparedAsync(update, [4L, "ann"], new RecordingSink(), TestToken);
        Assert.Equal([["1", "ann", "eng", "1"], ["2", "bob", "ops", "3"], ["3", "cid", "eng", "70"]], await EmpAsync());
        Session.ClosePrepared(update);
    }

    [Fact]
    public async Task AViewOnAViewWithAColumnListMergesTwice()
    {
        await OkAsync("CREATE VIEW rich (n, p) AS SELECT who, pay FROM eng WHERE pay > 80");
        Assert.Equal(1UL, (await OkAsync("UPDATE rich SET p = p + 5")).AffectedRows);
        await OkAsync("INSERT INTO rich (n, p) VALUES ('gus', 1)");
        Assert.Equal(1UL, (await OkAsync("DELETE FROM rich WHERE n = 'ann'")).AffectedRows);
        Assert.Equal([["2", "bob", "ops", "50"], ["3", "cid", "eng", "70"], ["4", "gus", null, "1"]], await EmpAsync());
        Assert.EndsWith("VIEW `rich` (`n`,`p`) AS SELECT who, pay FROM eng WHERE pay > 80", (await RowsAsync("SHOW CREATE VIEW rich"))[0][1]);
        Assert.Equal([["eng", "YES"], ["rich", "YES"]], await RowsAsync("SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd' ORDER BY 1"));
    }

    [Fact]
    public async Task ForeignKeysAreEnforcedThroughAView()
    {
        await RunAsync("""
            CREATE TABLE parent (id INT PRIMARY KEY);
            INSERT INTO parent VALUES (1);
            CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id));
            CREATE VIEW kids AS SELECT id, parent_id AS p FROM child
            """);
        await OkAsync("INSERT INTO kids VALUES (1, 1)");
        Assert.Equal(MySqlErrorCode.NoReferencedRow2, (await ErrorAsync("INSERT INTO kids VALUES (2, 9)")).Code);
        Assert.Equal(MySqlErrorCode.NoReferencedRow2, (await ErrorAsync("UPDATE kids SET p = 9")).Code);
        Assert.Equal([["1", "1"]], await RowsAsync("SELECT id, parent_id FROM child"));
    }

    [Fact]
    public async Task WritesAViewCannotTakeGetMySqlsErrors()
    {
        await RunAsync("""
            CREATE VIEW totals AS SELECT dept, SUM(salary) AS s FROM emp GROUP BY dept;
            CREATE VIEW both_ AS SELECT name FROM emp UNION SELECT 'x';
            CREATE VIEW checked AS SELECT * FROM emp WHERE salary > 10 WITH CHECK OPTION;
            CREATE VIEW over_checked AS SELECT * FROM checked
            """);
        var computed = await ErrorAsync("UPDATE eng SET dbl = 1");
        Assert.Equal((MySqlErrorCode.NonUpdatableColumn, "Column 'dbl' is not updatable"), (computed.Code, computed.Message));
        Assert.Equal(MySqlErrorCode.NonInsertableTable, (await ErrorAsync("INSERT INTO eng (who, dbl) VALUES ('x', 1)")).Code);
        var update = await ErrorAsync("UPDATE totals SET dept = 'x'");
        Assert.Equal((MySqlErrorCode.NonUpdatableTable, "The target table totals of the UPDATE is not updatable"), (update.Code, update.Message));
        Assert.Equal("The target table totals of the DELETE is not updatable", (await ErrorAsync("DELETE FROM totals")).Message);
        Assert.Equal("The target table totals of the INSERT is not insertable-into", (await ErrorAsync("INSERT INTO totals VALUES ('a', 1)")).Message);
        Assert.Equal(MySqlErrorCode.NonUpdatableTable, (await ErrorAsync("DELETE FROM both_")).Code);
        // The view hides dept and salary: the base table's names are unknown through it.
        Assert.Equal(MySqlErrorCode.BadFieldError, (await ErrorAsync("UPDATE eng SET pay = 1 WHERE dept = 'eng'")).Code);
        Assert.Equal(MySqlErrorCode.BadFieldError, (await ErrorAsync("UPDATE eng SET salary = 1")).Code);
        // CHECK OPTION: the written row must stay in the view, also when written through a view on it.
        var check = await ErrorAsync("UPDATE checked SET salary = 1");
        Assert.Equal((MySqlErrorCode.ViewCheckFailed, "CHECK OPTION failed 'd.checked'"), (check.Code, check.Message));
        Assert.Equal("CHECK OPTION failed 'd.checked'", (await ErrorAsync("INSERT INTO over_checked (name) VALUES ('x')")).Message);
        Assert.Equal([["both_", "NONE", "NO"], ["checked", "CASCADED", "YES"], ["eng", "NONE", "YES"], ["over_checked", "NONE", "YES"], ["totals", "NONE", "NO"]],
            await RowsAsync("SELECT TABLE_NAME, CHECK_OPTION, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd' ORDER BY 1"));
        Assert.Equal([["1", "ann", "eng", "100"], ["2", "bob", "ops", "50"], ["3", "cid", "eng", "70"]], await EmpAsync());
    }

    [Fact]
    public async Task CheckOptionKeepsWrittenRowsInsideTheViewAndUndoesTheWholeStatement()
    {
        // MySQL's manual: LOCAL leaves the views below to their own option, CASCADED checks them all.
        await RunAsync("""
            CREATE TABLE t1 (id INT AUTO_INCREMENT PRIMARY KEY, a INT);
            CREATE VIEW v0 AS SELECT * FROM t1 WHERE a < 2;
            CREATE VIEW v1 AS SELECT * FROM t1 WHERE a < 2 WITH CHECK OPTION;
            CREATE VIEW v2 AS SELECT * FROM v1 WHERE a > 0 WITH LOCAL CHECK OPTION;
            CREATE VIEW v3 AS SELECT * FROM v1 WHERE a > 0 WITH CASCADED CHECK OPTION;
            CREATE VIEW v4 AS SELECT * FROM v0 WHERE a > 0 WITH LOCAL CHECK OPTION;
            CREATE VIEW v5 AS SELECT * FROM v0 WHERE a > 0 WITH CASCADED CHECK OPTION
            """);
        Assert.EndsWith("VIEW `v2` AS SELECT * FROM v1 WHERE a > 0 WITH LOCAL CHECK OPTION", (await RowsAsync("SHOW CREATE VIEW v2"))[0][1]);
        Assert.Equal("CHECK OPTION failed 'd.v2'", (await ErrorAsync("INSERT INTO v2 (a) VALUES (2)")).Message);
        Assert.Equal("CHECK OPTION failed 'd.v3'", (await ErrorAsync("INSERT INTO v3 (a) VALUES (2)")).Message);
        Assert.Equal("CHECK OPTION failed 'd.v2'", (await ErrorAsync("INSERT INTO v2 (a) VALUES (0)")).Message);
        Assert.Equal("CHECK OPTION failed 'd.v2'", (await ErrorAsync("INSERT INTO v2 (a) VALUES (NULL)")).Message);
        await OkAsync("INSERT INTO v4 (a) VALUES (5)");
        Assert.Equal("CHECK OPTION failed 'd.v5'", (await ErrorAsync("INSERT INTO v5 (a) VALUES (5)")).Message);
        await OkAsync("INSERT INTO v3 (a) VALUES (1), (1)");
        // One row of three would leave the view: none is written.
        Assert.Equal("CHECK OPTION failed 'd.v3'", (await ErrorAsync("INSERT INTO v3 (a) VALUES (1), (7), (1)")).Message);
        Assert.Equal("CHECK OPTION failed 'd.v3'", (await ErrorAsync("UPDATE v3 SET a = a + 1 ORDER BY id DESC")).Message);
        Assert.Equal(0UL, (await OkAsync("UPDATE v3 SET a = a * 1")).AffectedRows);
        Assert.Equal([["1", "5"], ["2", "1"], ["3", "1"]], await RowsAsync("SELECT id, a FROM t1 ORDER BY id"));
        // Inside a transaction only the failing statement is undone.
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO v3 (a) VALUES (1)");
        Assert.Equal(MySqlErrorCode.ViewCheckFailed, (await ErrorAsync("UPDATE v1 SET a = 9")).Code);
        await OkAsync("COMMIT");
        Assert.Equal([["5"], ["1"], ["1"], ["1"]], await RowsAsync("SELECT a FROM t1 ORDER BY id"));
    }

    [Fact]
    public async Task ATemporaryTableOfTheSameNameIsWrittenInstead()
    {
        await OkAsync("CREATE TEMPORARY TABLE eng (who VARCHAR(20), pay INT)");
        await OkAsync("INSERT INTO eng VALUES ('tmp', 1)");
        Assert.Equal([["tmp", "1"]], await RowsAsync("SELECT who, pay FROM eng"));
        Assert.Equal("3", await ScalarAsync("SELECT COUNT(*) FROM emp"));
    }
}
