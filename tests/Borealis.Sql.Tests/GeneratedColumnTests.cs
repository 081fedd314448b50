using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>Generated columns: GENERATED ALWAYS AS (expr) VIRTUAL | STORED.</summary>
public sealed class GeneratedColumnTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("""
            CREATE DATABASE d; USE d;
            CREATE TABLE p (id INT PRIMARY KEY, price DECIMAL(8,2), qty INT,
              total DECIMAL(10,2) AS (price * qty) STORED, half INT AS (qty / 2),
              name VARCHAR(20), up VARCHAR(20) GENERATED ALWAYS AS (UPPER(name)) VIRTUAL,
              doc JSON, city VARCHAR(20) AS (doc->>'$.city'), KEY (up), UNIQUE KEY (city));
            INSERT INTO p (id, price, qty, name, doc) VALUES (1, 2.50, 3, 'ann', '{"city": "Oslo"}'), (2, 1, 5, 'bob', '{"city": "Rome"}');
            INSERT INTO p VALUES (3, 1, 1, DEFAULT, DEFAULT, 'cid', DEFAULT, NULL, DEFAULT)
            """);
    }

    [Fact]
    public async Task ValuesAreComputedInTheColumnsTypeAndFollowUpdates()
    {
        Assert.Equal(
        [
            ["1", "7.50", "2", "ANN", "Oslo"],
            ["2", "5.00", "3", "BOB", "Rome"],
            ["3", "1.00", "1", "CID", null],
        ], await RowsAsync("SELECT id, total, half, up, city FROM p ORDER BY id"));
        await OkAsync("UPDATE p SET qty = 10, name = 'dan' WHERE id = 1");
        Assert.Equal([["25.00", "5", "DAN"]], await RowsAsync("SELECT total, half, up FROM p WHERE id = 1"));
        Assert.Equal("2", await ScalarAsync("SELECT id FROM p WHERE city = 'Rome'"));
        // A unique key on a generated column is enforced.
        Assert.Equal(MySqlErrorCode.DupEntry, (await ErrorAsync("INSERT INTO p (id, doc) VALUES (4, '{\"city\": \"Rome\"}')")).Code);
        // Another column's ALTER rebuilds the table and computes them again.
        await OkAsync("ALTER TABLE p ADD COLUMN note VARCHAR(5), MODIFY qty BIGINT");
        Assert.Equal([["1", "25.00", "DAN", null], ["2", "5.00", "BOB", null], ["3", "1.00", "CID", null]],
            await RowsAsync("SELECT id, total, up, note FROM p ORDER BY id"));
    }

    [Fact]
    public async Task DefinitionIsShownAsWritten()
    {
        string create = (await RowsAsync("SHOW CREATE TABLE p"))[0][1]!;
        Assert.Contains("`total` decimal(10,2) GENERATED ALWAYS AS (price * qty) STORED,", create, StringComparison.Ordinal);
        Assert.Contains("`up` varchar(20) GENERATED ALWAYS AS (UPPER(name)) VIRTUAL,", create, StringComparison.Ordinal);
        Assert.Equal([["total", "STORED GENERATED", "price * qty"], ["half", "VIRTUAL GENERATED", "qty / 2"], ["name", "", ""]],
            await RowsAsync("SELECT COLUMN_NAME, EXTRA, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_NAME = 'p' AND ORDINAL_POSITION BETWEEN 4 AND 6 ORDER BY ORDINAL_POSITION"));
        Assert.Equal("VIRTUAL GENERATED", (await RowsAsync("SHOW COLUMNS FROM p LIKE 'up'"))[0][5]);
    }

    [Fact]
    public async Task AValueForAGeneratedColumnIsRefusedInStrictModeAndIgnoredWithoutIt()
    {
        var insert = await ErrorAsync("INSERT INTO p (id, total) VALUES (5, 1)");
        Assert.Equal((MySqlErrorCode.GeneratedColumnValueNotAllowed, "The value specified for generated column 'total' in table 'p' is not allowed."),
            (insert.Code, insert.Message));
        Assert.Equal(MySqlErrorCode.GeneratedColumnValueNotAllowed, (await ErrorAsync("UPDATE p SET half = 1")).Code);
        Assert.Equal(MySqlErrorCode.GeneratedColumnValueNotAllowed, (await ErrorAsync("INSERT INTO p (id, half) SELECT 9, 9")).Code);
        await OkAsync("UPDATE p SET qty = 4, half = DEFAULT WHERE id = 3");
        Assert.Equal("2", await ScalarAsync("SELECT half FROM p WHERE id = 3"));
        // What mariadb-dump writes and restores (sql_mode without STRICT): the value is dropped with warning 1906.
        await RunAsync("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
        await OkAsync("INSERT INTO p VALUES (6, 2, 2, 99, 99, 'eve', 'x', NULL, 'y')");
        Assert.Equal([["Warning", "1906", "The value specified for generated column 'total' in table 'p' has been ignored"],
            ["Warning", "1906", "The value specified for generated column 'half' in table 'p' has been ignored"],
            ["Warning", "1906", "The value specified for generated column 'up' in table 'p' has been ignored"],
            ["Warning", "1906", "The value specified for generated column 'city' in table 'p' has been ignored"]], await RowsAsync("SHOW WARNINGS"));
        Assert.Equal([["4.00", "1", "EVE", null]], await RowsAsync("SELECT total, half, up, city FROM p WHERE id = 6"));
        // The same statement text in strict mode again is refused: plans are kept apart by strict mode.
        await RunAsync("SET sql_mode = 'STRICT_TRANS_TABLES'");
        Assert.Equal(MySqlErrorCode.GeneratedColumnValueNotAllowed, (await ErrorAsync("INSERT INTO p VALUES (6, 2, 2, 99, 99, 'eve', 'x', NULL, 'y')")).Code);
    }

    [Fact]
    public async Task DefinitionsMySqlRefusesAreRefused()
    {
        Assert.Equal(MySqlErrorCode.GeneratedColumnFunctionNotAllowed, (await ErrorAsync("CREATE TABLE g1 (a INT, b DOUBLE AS (a + RAND()))")).Code);
        Assert.Equal("Expression of generated column 'b' contains a disallowed function.", (await ErrorAsync("CREATE TABLE g1 (a INT, b DATETIME AS (NOW()))")).Message);
        Assert.Equal(MySqlErrorCode.GeneratedColumnFunctionNotAllowed, (await ErrorAsync("CREATE TABLE g1 (a INT, b INT AS (@v))")).Code);
        Assert.Equal(MySqlErrorCode.GeneratedColumnFunctionNotAllowed, (await ErrorAsync("CREATE TABLE g1 (a INT, b INT AS ((SELECT 1)))")).Code);
        Assert.Equal(MySqlErrorCode.WrongUsage, (await ErrorAsync("CREATE TABLE g1 (a INT, b INT AS (a) DEFAULT 1)")).Code);
        Assert.Equal(MySqlErrorCode.NotSupportedYet, (await ErrorAsync("CREATE TABLE g1 (a INT, b INT AS (a) PRIMARY KEY)")).Code);
        Assert.Equal(MySqlErrorCode.NoSuchTable, (await ErrorAsync("SELECT * FROM g1")).Code);
        await OkAsync("CREATE TABLE g2 (d DATETIME, u BIGINT AS (UNIX_TIMESTAMP(d)))");
    }

    [Fact]
    public async Task AlterAddsAndChangesThemByMySqlsRules()
    {
        // ADD: a VIRTUAL column is computed on read (no rows copied), a STORED one for every row (rows reported).
        Assert.Equal(0UL, (await OkAsync("ALTER TABLE p ADD COLUMN twice INT AS (qty * 2)")).AffectedRows);
        Assert.Equal(3UL, (await OkAsync("ALTER TABLE p ADD COLUMN tag VARCHAR(10) AS (CONCAT(name, '!')) STORED, ADD INDEX (tag)")).AffectedRows);
        Assert.Equal([["1", "6", "ann!"], ["2", "10", "bob!"], ["3", "2", "cid!"]], await RowsAsync("SELECT id, twice, tag FROM p ORDER BY id"));
        Assert.Equal("2", await ScalarAsync("SELECT id FROM p WHERE tag = 'bob!'"));

        // MODIFY: a new expression of the same kind, plain to STORED, STORED to plain (values kept).
        await OkAsync("ALTER TABLE p MODIFY twice INT AS (qty * 3) VIRTUAL");
        Assert.Equal(3UL, (await OkAsync("ALTER TABLE p MODIFY price DECIMAL(8,2) AS (qty + 0.5) STORED")).AffectedRows);
        await OkAsync("ALTER TABLE p MODIFY tag VARCHAR(10)");
        await OkAsync("INSERT INTO p (id, qty, tag) VALUES (4, 4, 'own')");
        Assert.Equal([["1", "9", "3.50", "ann!"], ["4", "12", "4.50", "own"]], await RowsAsync("SELECT id, twice, price, tag FROM p WHERE id IN (1, 4) ORDER BY id"));

        // Any other change of the STORED status is 3106, and nothing changes.
        var e = await ErrorAsync("ALTER TABLE p MODIFY twice INT AS (qty * 3) STORED");
        Assert.Equal((MySqlErrorCode.UnsupportedActionOnGeneratedColumn, "'Changing the STORED status' is not supported for generated columns."), (e.Code, e.Message));
        Assert.Equal(MySqlErrorCode.UnsupportedActionOnGeneratedColumn, (await ErrorAsync("ALTER TABLE p MODIFY half INT")).Code);
        Assert.Equal(MySqlErrorCode.UnsupportedActionOnGeneratedColumn, (await ErrorAsync("ALTER TABLE p MODIFY name VARCHAR(20) AS ('x') VIRTUAL")).Code);

        // A column a generated column reads cannot be dropped or renamed (3108); unused ones can.
        e = await ErrorAsync("ALTER TABLE p DROP COLUMN qty");
        Assert.Equal((MySqlErrorCode.DependentByGeneratedColumn, "Column 'qty' has a generated column dependency."), (e.Code, e.Message));
        Assert.Equal(MySqlErrorCode.DependentByGeneratedColumn, (await ErrorAsync("ALTER TABLE p CHANGE name nom VARCHAR(20)")).Code);
        await OkAsync("ALTER TABLE p DROP COLUMN twice, DROP COLUMN half");
        await OkAsync("ALTER TABLE p CHANGE tag label VARCHAR(10)");
        Assert.Equal([["1", "10.50", "ann!"], ["4", "18.00", "own"]], await RowsAsync("SELECT id, total, label FROM p WHERE id IN (1, 4) ORDER BY id"));
        Assert.Equal(MySqlErrorCode.GeneratedColumnFunctionNotAllowed, (await ErrorAsync("ALTER TABLE p ADD COLUMN r DOUBLE AS (RAND())")).Code);
    }

    [Fact]
    public async Task AnAlterThatKeepsNoOldColumnKeepsTheRows()
    {
        await RunAsync("CREATE TABLE swap (a INT); INSERT INTO swap VALUES (1), (2), (3)");
        await OkAsync("ALTER TABLE swap ADD COLUMN b INT DEFAULT 7, DROP COLUMN a");
        Assert.Equal([["7"], ["7"], ["7"]], await RowsAsync("SELECT b FROM swap"));
    }
}
