using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

public sealed class DdlTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE d; USE d");
    }

    [Fact]
    public async Task CreateTableWithEveryTypeFamilyAndDescribeIt()
    {
        await OkAsync("""
            CREATE TABLE `all` (
              id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
              t TINYINT, s SMALLINT UNSIGNED, m MEDIUMINT, i INT(11) DEFAULT -1, b BOOL DEFAULT TRUE,
              dec1 DECIMAL(8,3) NOT NULL DEFAULT '0.000', f FLOAT, d DOUBLE,
              c CHAR(10), v VARCHAR(100) NOT NULL DEFAULT 'x' COMMENT 'a comment', tx TEXT, bl BLOB, mt MEDIUMTEXT,
              dt DATE, dtm DATETIME(3), ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
              e ENUM('red','green') DEFAULT 'red', j JSON,
              PRIMARY KEY (id), UNIQUE KEY uv (v), KEY idx_dt (dt, e)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='every type'
            """);
        var cols = await RowsAsync("DESCRIBE `all`");
        Assert.Equal(19, cols.Count);
        Assert.Equal(["id", "bigint unsigned", "NO", "PRI", null, "auto_increment"], cols[0]);
        Assert.Equal(["i", "int", "YES", "", "-1", ""], cols[4]);
        Assert.Equal(["b", "tinyint(1)", "YES", "", "1", ""], cols[5]);
        Assert.Equal(["dec1", "decimal(8,3)", "NO", "", "0.000", ""], cols[6]);
        Assert.Equal(["v", "varchar(100)", "NO", "UNI", "x", ""], cols[10]);
        Assert.Equal(["dt", "date", "YES", "MUL", null, ""], cols[14]);
        Assert.Equal("enum('red','green')", cols[17][1]);
        var create = (await RowsAsync("SHOW CREATE TABLE `all`"))[0][1]!;
        Assert.StartsWith("CREATE TABLE `all` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,", create);
        Assert.Contains("  PRIMARY KEY (`id`),\n  UNIQUE KEY `uv` (`v`),\n  KEY `idx_dt` (`dt`,`e`)\n) ENGINE=InnoDB", create);
        Assert.Contains("COMMENT='every type'", create);
        var index = await RowsAsync("SHOW INDEX FROM `all`");
        Assert.Equal(4, index.Count);
        Assert.Equal("idx_dt", index[3][2]);
        Assert.Equal("2", index[3][3]);
        await OkAsync("INSERT INTO `all` (v) VALUES ('hello')");
        var r = await ExecAsync("SELECT id, i, b, dec1, v, e, ts FROM `all`");
        Assert.Equal(["1", "-1", "1", "0.000", "hello", "red"], r.Rows[0][..6]);
        Assert.NotNull(r.Rows[0][6]);
        Assert.Equal(MySqlColumnType.LongLong, r.Columns![0].Type);
        Assert.True(r.Columns[0].Flags.HasFlag(ColumnFlags.Unsigned | ColumnFlags.AutoIncrement | ColumnFlags.PrimaryKey | ColumnFlags.NotNull));
        Assert.Equal(MySqlColumnType.NewDecimal, r.Columns[3].Type);
        Assert.Equal(3, r.Columns[3].Decimals);
        Assert.True(r.Columns[5].Flags.HasFlag(ColumnFlags.Enum));
        Assert.Equal(MySqlColumnType.Timestamp, r.Columns[6].Type);
    }

    [Fact]
    public async Task AlterTableAddAndDropColumnsAndIndexes()
    {
        await OkAsync("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a VARCHAR(10))");
        await OkAsync("INSERT INTO t (a) VALUES ('x'), ('y')");
        await OkAsync("ALTER TABLE t ADD COLUMN n INT NOT NULL");
        await OkAsync("ALTER TABLE t ADD COLUMN first_col VARCHAR(5) DEFAULT 'f' FIRST, ADD INDEX idx_a (a)");
        Assert.Equal([["f", "1", "x", "0"], ["f", "2", "y", "0"]], await RowsAsync("SELECT * FROM t ORDER BY id"));
        await AssertErrorAsync(MySqlErrorCode.DupKeyName, "ALTER TABLE t ADD INDEX idx_a (n)");
        await AssertErrorAsync(MySqlErrorCode.DupFieldName, "ALTER TABLE t ADD COLUMN a INT");
        await OkAsync("ALTER TABLE t DROP COLUMN first_col");
        await OkAsync("ALTER TABLE t DROP INDEX idx_a");
        await AssertErrorAsync(MySqlErrorCode.CantDropFieldOrKey, "ALTER TABLE t DROP INDEX idx_a");
        await AssertErrorAsync(MySqlErrorCode.CantDropFieldOrKey, "ALTER TABLE t DROP COLUMN nope");
        await OkAsync("CREATE UNIQUE INDEX u_n ON t (a)");
        await AssertErrorAsync(MySqlErrorCode.DupEntry, "INSERT INTO t (a, n) VALUES ('x', 1)");
        await OkAsync("DROP INDEX u_n ON t");
        await OkAsync("INSERT INTO t (a, n) VALUES ('x', 1)");
        // The AUTO_INCREMENT counter survived the rebuilds.
        Assert.Equal("3", await ScalarAsync("SELECT MAX(id) FROM t"));
        Assert.Equal(["id", "a", "n"], (await RowsAsync("SHOW COLUMNS FROM t")).Select(r => r[0]).ToArray());
    }

    [Fact]
    public async Task AlterTableRenamesDefaultsPlacesAndCopiesRowsAsMySqlDoes()
    {
        await RunAsync("""
            CREATE TABLE alt (id INT PRIMARY KEY, v VARCHAR(10), n INT, d DECIMAL(6,2), KEY k_n (n));
            INSERT INTO alt VALUES (1, 'one', 10, 1.5), (2, 'two', NULL, 2.25), (3, 'three', 30, NULL)
            """);
        // A type change copies the rows and says so; a wider VARCHAR does not.
        Assert.Equal(3UL, (await OkAsync("ALTER TABLE alt MODIFY d INT")).AffectedRows);
        Assert.Equal(0UL, (await OkAsync("ALTER TABLE alt MODIFY v VARCHAR(20)")).AffectedRows);
        Assert.Equal([["1", "2"], ["2", "2"], ["3", null]], await RowsAsync("SELECT id, d FROM alt ORDER BY id"));

        // Values the new definition cannot hold: MySQL 8.0's ALTER errors, naming the row copied (not a row number left
        // over from an earlier statement), and the table is as it was.
        await OkAsync("INSERT INTO alt (id, v) VALUES (7, 'a'), (8, 'b')");
        await OkAsync("DELETE FROM alt WHERE id > 3");
        var e = await ErrorAsync("ALTER TABLE alt MODIFY v VARCHAR(3)");
        Assert.Equal((MySqlErrorCode.WarnDataTruncated, "Data truncated for column 'v' at row 3"), (e.Code, e.Message));
        e = await ErrorAsync("ALTER TABLE alt MODIFY n INT NOT NULL");
        Assert.Equal((MySqlErrorCode.InvalidUseOfNull, "Invalid use of NULL value"), (e.Code, e.Message));
        Assert.Equal([["2", "two", null]], await RowsAsync("SELECT id, v, n FROM alt WHERE id = 2"));

        // RENAME COLUMN and RENAME INDEX; MODIFY/CHANGE … FIRST / AFTER move the column.
        await OkAsync("ALTER TABLE alt RENAME COLUMN d TO dd, RENAME INDEX k_n TO k_n2");
        await OkAsync("ALTER TABLE alt CHANGE v name VARCHAR(20) AFTER dd, MODIFY n INT FIRST");
        var r = await ExecAsync("SELECT * FROM alt WHERE id = 1");
        Assert.Equal(["n", "id", "dd", "name"], r.Columns!.Select(c => c.Name).ToArray());
        Assert.Equal([["10", "1", "2", "one"]], r.Rows);
        Assert.Equal([["k_n2", "n"], ["PRIMARY", "id"]], await RowsAsync("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_NAME = 'alt' ORDER BY INDEX_NAME"));
        Assert.Equal(MySqlErrorCode.KeyDoesNotExist, (await ErrorAsync("ALTER TABLE alt RENAME INDEX nope TO x")).Code);
        Assert.Equal(MySqlErrorCode.WrongNameForIndex, (await ErrorAsync("ALTER TABLE alt RENAME INDEX `PRIMARY` TO x")).Code);
        Assert.Equal(MySqlErrorCode.DupFieldName, (await ErrorAsync("ALTER TABLE alt RENAME COLUMN n TO id")).Code);
        Assert.Equal(MySqlErrorCode.BadFieldError, (await ErrorAsync("ALTER TABLE alt RENAME COLUMN nope TO x")).Code);

        // ALTER COLUMN … SET DEFAULT / DROP DEFAULT.
        await OkAsync("ALTER TABLE alt ALTER COLUMN n SET DEFAULT 5");
        await OkAsync("INSERT INTO alt (id, name) VALUES (9, 'nine')");
        Assert.Equal("5", await ScalarAsync("SELECT n FROM alt WHERE id = 9"));
        Assert.Contains("`n` int DEFAULT '5'", (await RowsAsync("SHOW CREATE TABLE alt"))[0][1]);
        await OkAsync("ALTER TABLE alt ALTER n DROP DEFAULT");
        await OkAsync("INSERT INTO alt (id, name) VALUES (10, 'ten')");
        Assert.Null(await ScalarAsync("SELECT n FROM alt WHERE id = 10"));
        Assert.Equal(MySqlErrorCode.InvalidDefault, (await ErrorAsync("ALTER TABLE alt ALTER COLUMN id SET DEFAULT 'x'")).Code);

        // A new AUTO_INCREMENT column numbers the rows in primary key order, and goes on from there.
        await OkAsync("ALTER TABLE alt ADD COLUMN seq INT AUTO_INCREMENT UNIQUE");
        Assert.Equal([["1", "1"], ["2", "2"], ["3", "3"], ["9", "4"], ["10", "5"]], await RowsAsync("SELECT id, seq FROM alt ORDER BY id"));
        await OkAsync("INSERT INTO alt (id) VALUES (11)");
        Assert.Equal("6", await ScalarAsync("SELECT seq FROM alt WHERE id = 11"));

        // Dropping the primary key alone copies the rows.
        Assert.Equal(6UL, (await OkAsync("ALTER TABLE alt DROP PRIMARY KEY")).AffectedRows);
    }

    [Fact]
    public async Task TruncateResetsTheCounterAndRenameMovesTheTable()
    {
        await OkAsync("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
        await OkAsync("INSERT INTO t (v) VALUES (1), (2)");
        await OkAsync("TRUNCATE TABLE t");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t (v) VALUES (3)")).LastInsertId);
        await OkAsync("RENAME TABLE t TO t2");
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM t");
        Assert.Equal("3", await ScalarAsync("SELECT v FROM t2"));
        await OkAsync("CREATE DATABASE other");
        await OkAsync("ALTER TABLE t2 RENAME TO other.t3");
        Assert.Equal("3", await ScalarAsync("SELECT v FROM other.t3"));
    }

    [Fact]
    public async Task DropDatabaseDropsItsTablesAndClearsTheDefault()
    {
        await OkAsync("CREATE TABLE t1 (a INT)");
        await OkAsync("CREATE TABLE t2 (a INT)");
        Assert.Equal(2UL, (await OkAsync("DROP DATABASE d")).AffectedRows);
        Assert.Null(Session.CurrentDatabase);
        await OkAsync("CREATE DATABASE d");
        await OkAsync("USE d");
        Assert.Empty(await RowsAsync("SHOW TABLES"));
    }

    [Fact]
    public async Task OtherSessionsSeeDdlAtOnce()
    {
        var other = OpenSession("d");
        await OkAsync("CREATE TABLE shared (a INT)");
        await OkAsync("INSERT INTO shared VALUES (1)", other);
        await OkAsync("ALTER TABLE shared ADD COLUMN b INT DEFAULT 7");
        Assert.Equal(["1", "7"], (await RowsAsync("SELECT * FROM shared", other))[0]);
        await OkAsync("DROP TABLE shared");
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM shared", other);
        other.Dispose();
    }

    [Fact]
    public async Task DefinitionErrors()
    {
        await AssertErrorAsync(MySqlErrorCode.DupFieldName, "CREATE TABLE x (a INT, a INT)");
        await AssertErrorAsync(MySqlErrorCode.MultiplePriKey, "CREATE TABLE x (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))");
        await AssertErrorAsync(MySqlErrorCode.KeyColumnDoesNotExist, "CREATE TABLE x (a INT, KEY (b))");
        await AssertErrorAsync(MySqlErrorCode.WrongAutoKey, "CREATE TABLE x (a INT AUTO_INCREMENT, b INT)");
        await AssertErrorAsync(MySqlErrorCode.InvalidDefault, "CREATE TABLE x (a INT DEFAULT 'abc')");
        await AssertErrorAsync(MySqlErrorCode.InvalidDefault, "CREATE TABLE x (a INT NOT NULL DEFAULT NULL)");
        await AssertErrorAsync(MySqlErrorCode.TooBigPrecision, "CREATE TABLE x (a DECIMAL(66,2))");
        await AssertErrorAsync(MySqlErrorCode.TooBigFieldlength, "CREATE TABLE x (a VARCHAR(70000))");
        await AssertErrorAsync(MySqlErrorCode.BadDbError, "CREATE TABLE nodb.x (a INT)");
        await AssertErrorAsync(MySqlErrorCode.ParseError, "CREATE TABLE x (a NOTATYPE)");
    }

    [Fact]
    public async Task ViewsAreQueryableAndShown()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))");
        await OkAsync("INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 20.00)");
        await OkAsync("CREATE VIEW cheap AS SELECT id, name, price FROM t WHERE price < 10");
        var r = await ExecAsync("SELECT name, price FROM cheap");
        Assert.Equal([["a", "1.50"]], r.Rows);
        Assert.Equal(Results.MySqlColumnType.NewDecimal, r.Columns![1].Type);
        Assert.Equal([["cheap", "VIEW"], ["t", "BASE TABLE"]], await RowsAsync("SHOW FULL TABLES"));
        Assert.Equal(["id", "name", "price"], (await RowsAsync("DESCRIBE cheap")).Select(x => x[0]).ToArray());
        Assert.Equal("decimal(6,2)", (await RowsAsync("SHOW COLUMNS FROM cheap"))[2][1]);
        Assert.Contains("VIEW `cheap` AS SELECT id, name, price FROM t WHERE price < 10", (await RowsAsync("SHOW CREATE VIEW cheap"))[0][1]);
        Assert.Equal("VIEW", await ScalarAsync("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_NAME = 'cheap'"));
        await AssertErrorAsync(MySqlErrorCode.TableExists, "CREATE VIEW cheap AS SELECT 1");
        await OkAsync("CREATE OR REPLACE VIEW cheap (n) AS SELECT COUNT(*) FROM t");
        Assert.Equal("2", await ScalarAsync("SELECT n FROM cheap"));
        await AssertErrorAsync(MySqlErrorCode.NonInsertableTable, "INSERT INTO cheap VALUES (3)");
        await AssertErrorAsync(MySqlErrorCode.NonUpdatableTable, "UPDATE cheap SET n = 1");
        await AssertErrorAsync(MySqlErrorCode.WrongObject, "DROP VIEW t");
        await AssertErrorAsync(MySqlErrorCode.BadTableError, "DROP TABLE cheap");
        await OkAsync("DROP VIEW cheap");
        await OkAsync("DROP VIEW IF EXISTS cheap");
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM cheap");
    }

    [Fact]
    public async Task CreateTableAsSelectCopiesTypesAndRows()
    {
        await OkAsync("CREATE TABLE src (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(6,2), made DATE)");
        await OkAsync("INSERT INTO src VALUES (1, 'a', 1.50, '2024-01-01'), (2, 'b', 2.25, '2024-02-02')");
        Assert.Equal(2UL, (await OkAsync("CREATE TABLE copy AS SELECT id, name, price * 2 AS doubled, made, COUNT(*) OVER () AS n FROM src WHERE id > 0")).AffectedRows);
        var cols = await RowsAsync("SHOW COLUMNS FROM copy");
        Assert.Equal(["id", "int"], cols[0][..2]);
        Assert.Equal(["name", "varchar(20)"], cols[1][..2]);
        Assert.Equal("decimal", cols[2][1]![..7]);
        Assert.Equal(["made", "date"], cols[3][..2]);
        Assert.Equal([["1", "a", "3.00", "2024-01-01", "2"], ["2", "b", "4.50", "2024-02-02", "2"]], await RowsAsync("SELECT * FROM copy ORDER BY id"));
        await AssertErrorAsync(MySqlErrorCode.TableExists, "CREATE TABLE copy SELECT 1");
    }

    [Fact]
    public async Task TemporaryTablesBelongToTheirSession()
    {
        await OkAsync("CREATE TABLE t (a INT)");
        await OkAsync("INSERT INTO t VALUES (1)");
        await OkAsync("BEGIN");
        await OkAsync("CREATE TEMPORARY TABLE t (a INT, b VARCHAR(3), KEY kb (b))");
        Assert.True(Session.Status.HasFlag(ServerStatus.InTransaction));
        await OkAsync("INSERT INTO t VALUES (2, 'x'), (3, 'y')");
        await OkAsync("COMMIT");
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM t"));
        Assert.Equal(2, (await RowsAsync("DESCRIBE t")).Count);
        await AssertErrorAsync(MySqlErrorCode.DataTooLong, "INSERT INTO t VALUES (4, 'long')");
        var other = OpenSession("d");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t", other));
        Assert.Equal([["t"]], await RowsAsync("SHOW TABLES"));
        await OkAsync("DROP TEMPORARY TABLE t");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t"));
        await OkAsync("CREATE TEMPORARY TABLE tmp (x INT)");
        Session.Reset();
        await OkAsync("USE d");
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM tmp");
        other.Dispose();
    }
}
