using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>MySQL semantics where SQLite differs: strict checks, AUTO_INCREMENT, affected rows, keys, collation.</summary>
public sealed class SemanticsTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE s; USE s");
    }

    [Fact]
    public async Task StrictModeRejectsBadValues()
    {
        await OkAsync("CREATE TABLE t (v VARCHAR(5), i INT, u TINYINT UNSIGNED, d DATE, n INT NOT NULL DEFAULT 0, dt DATETIME, e ENUM('a','b'))");
        var tooLong = await ErrorAsync("INSERT INTO t (v) VALUES ('abcdef')");
        Assert.Equal(MySqlErrorCode.DataTooLong, tooLong.Code);
        Assert.Equal("Data too long for column 'v' at row 1", tooLong.Message);
        Assert.Equal("22001", tooLong.SqlState);
        var range = await ErrorAsync("INSERT INTO t (i) VALUES (1), (2147483648)");
        Assert.Equal(MySqlErrorCode.WarnDataOutOfRange, range.Code);
        Assert.Equal("Out of range value for column 'i' at row 2", range.Message);
        await AssertErrorAsync(MySqlErrorCode.WarnDataOutOfRange, "INSERT INTO t (u) VALUES (-1)");
        await AssertErrorAsync(MySqlErrorCode.WarnDataOutOfRange, "INSERT INTO t (u) VALUES (256)");
        var date = await ErrorAsync("INSERT INTO t (d) VALUES ('2024-02-30')");
        Assert.Equal(MySqlErrorCode.TruncatedWrongValue, date.Code);
        Assert.Equal("Incorrect date value: '2024-02-30' for column 'd' at row 1", date.Message);
        await AssertErrorAsync(MySqlErrorCode.TruncatedWrongValue, "INSERT INTO t (dt) VALUES ('not a date')");
        var nul = await ErrorAsync("INSERT INTO t (n) VALUES (NULL)");
        Assert.Equal(MySqlErrorCode.BadNullError, nul.Code);
        Assert.Equal("Column 'n' cannot be null", nul.Message);
        await AssertErrorAsync(MySqlErrorCode.TruncatedWrongValueForField, "INSERT INTO t (i) VALUES ('abc')");
        await AssertErrorAsync(MySqlErrorCode.WarnDataTruncated, "INSERT INTO t (e) VALUES ('c')");
        // The failed multi-row insert left nothing behind.
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
        await OkAsync("INSERT INTO t (v, i, u, d, dt, e) VALUES ('abcde', '42', 255, '2024-02-29', '2024-01-02 03:04:05', 'B')");
        Assert.Equal(["abcde", "42", "255", "2024-02-29", "0", "2024-01-02 03:04:05", "b"], (await RowsAsync("SELECT * FROM t"))[0]);
        await AssertErrorAsync(MySqlErrorCode.DataTooLong, "UPDATE t SET v = 'toolong'");
        await AssertErrorAsync(MySqlErrorCode.WarnDataOutOfRange, "UPDATE t SET u = u + 1");
    }

    [Fact]
    public async Task AssignmentsRunLeftToRightAsInMySql()
    {
        await RunAsync("""
            CREATE TABLE w (id INT PRIMARY KEY, a INT, b INT, c TINYINT, u VARCHAR(5) UNIQUE);
            INSERT INTO w VALUES (1, 1, 0, 0, 'x'), (2, 2, 0, 0, 'y'), (3, 3, 0, 0, 'z')
            """);
        // A later assignment reads what an earlier one stored, whatever the table's column order.
        await OkAsync("UPDATE w SET a = a + 1, b = a WHERE id = 1");
        await OkAsync("UPDATE w SET b = a * 10, a = b + 1 WHERE id = 2");
        Assert.Equal([["1", "2", "2"], ["2", "21", "20"]], await RowsAsync("SELECT id, a, b FROM w WHERE id < 3 ORDER BY id"));
        // The stored value, converted to its column: 2.6 went into an INT as 3.
        await OkAsync("UPDATE w SET a = 2.6, b = a * 2 WHERE id = 3");
        Assert.Equal([["3", "6"]], await RowsAsync("SELECT a, b FROM w WHERE id = 3"));
        // A chain, and a correlated subquery of a later assignment.
        await OkAsync("UPDATE w SET a = 5, b = a + 1, c = b + 1 WHERE id = 3");
        Assert.Equal([["5", "6", "7"]], await RowsAsync("SELECT a, b, c FROM w WHERE id = 3"));
        // (w.a is the new 100 there, so all 3 rows count; the old 5 would count 1.)
        await OkAsync("UPDATE w SET a = 100, b = (SELECT COUNT(*) FROM w AS o WHERE o.a < w.a) WHERE id = 3");
        Assert.Equal("3", await ScalarAsync("SELECT b FROM w WHERE id = 3"));
        // ON DUPLICATE KEY UPDATE too.
        await OkAsync("INSERT INTO w (id, a) VALUES (1, 0) ON DUPLICATE KEY UPDATE a = a + 5, b = a");
        Assert.Equal([["7", "7"]], await RowsAsync("SELECT a, b FROM w WHERE id = 1"));
        // Strict mode checks what the later assignment stores, as MySQL does (1000 does not fit a TINYINT).
        await AssertErrorAsync(MySqlErrorCode.WarnDataOutOfRange, "UPDATE w SET a = 500, c = a * 2 WHERE id = 1");
        Assert.Equal("7", await ScalarAsync("SELECT a FROM w WHERE id = 1"));
    }

    [Fact]
    public async Task ReplaceCountsEveryRowItDeletes()
    {
        await RunAsync("CREATE TABLE r (id INT PRIMARY KEY, u VARCHAR(5) UNIQUE, v INT); INSERT INTO r VALUES (1, 'x', 0), (2, 'y', 0)");
        Assert.Equal(1UL, (await OkAsync("REPLACE INTO r VALUES (3, 'z', 0)")).AffectedRows);
        Assert.Equal(2UL, (await OkAsync("REPLACE INTO r VALUES (3, 'z', 1)")).AffectedRows);
        // Colliding with row 1 on the key and row 2 on u: both go, 1 + 2.
        Assert.Equal(3UL, (await OkAsync("REPLACE INTO r VALUES (1, 'y', 2)")).AffectedRows);
        Assert.Equal([["1", "y", "2"], ["3", "z", "1"]], await RowsAsync("SELECT id, u, v FROM r ORDER BY id"));
    }

    [Fact]
    public async Task CastToCharOrBinaryOfALengthCutsOrPads()
    {
        Assert.Equal([["abc", "ab", "abcdef"]], await RowsAsync("SELECT CAST('abcdef' AS CHAR(3)), CAST('ab' AS CHAR(3)), CAST('abcdef' AS CHAR)"));
        Assert.Equal([["6162000000", "6162"]], await RowsAsync("SELECT HEX(CAST('ab' AS BINARY(5))), HEX(CAST('abcdef' AS BINARY(2)))"));
    }

    [Fact]
    public async Task MissingNotNullColumnWithoutDefaultIs1364()
    {
        await OkAsync("CREATE TABLE t (a INT NOT NULL, b INT)");
        var ex = await ErrorAsync("INSERT INTO t (b) VALUES (1)");
        Assert.Equal(MySqlErrorCode.NoDefaultForField, ex.Code);
        Assert.Equal("Field 'a' doesn't have a default value", ex.Message);
    }

    [Fact]
    public async Task AutoIncrementGapsExplicitValuesAndLastInsertId()
    {
        await OkAsync("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t (v) VALUES ('a')")).LastInsertId);
        Assert.Equal(2UL, (await OkAsync("INSERT INTO t (v) VALUES ('b'), ('c')")).LastInsertId);
        Assert.Equal("2", await ScalarAsync("SELECT LAST_INSERT_ID()"));
        await OkAsync("INSERT INTO t (id, v) VALUES (10, 'x')");
        Assert.Equal("2", await ScalarAsync("SELECT LAST_INSERT_ID()"));
        Assert.Equal(11UL, (await OkAsync("INSERT INTO t (v) VALUES ('d')")).LastInsertId);
        await OkAsync("DELETE FROM t WHERE id = 11");
        // Gaps are kept: the counter does not go back.
        Assert.Equal(12UL, (await OkAsync("INSERT INTO t (v) VALUES ('e')")).LastInsertId);
        Assert.Equal(13UL, (await OkAsync("INSERT INTO t (id, v) VALUES (NULL, 'f')")).LastInsertId);
        Assert.Equal("13", await ScalarAsync("SELECT @@last_insert_id"));
        var status = await RowsAsync("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 's' AND TABLE_NAME = 't'");
        Assert.Equal("14", status[0][0]);
    }

    [Fact]
    public async Task AnAutoIncrementIdIsNeverGivenOutTwiceAsInInnoDb()
    {
        await OkAsync("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10) UNIQUE)");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t (v) VALUES ('a')")).LastInsertId);
        // A rolled-back insert spends its id.
        await OkAsync("BEGIN");
        Assert.Equal(2UL, (await OkAsync("INSERT INTO t (v) VALUES ('b')")).LastInsertId);
        await OkAsync("ROLLBACK");
        Assert.Equal(3UL, (await OkAsync("INSERT INTO t (v) VALUES ('c')")).LastInsertId);
        // So does a failed one (duplicate key), and a multi-row insert that fails half-way spends every id it took.
        Assert.Equal(MySqlErrorCode.DupEntry, (await ErrorAsync("INSERT INTO t (v) VALUES ('c')")).Code);
        Assert.Equal(MySqlErrorCode.DupEntry, (await ErrorAsync("INSERT INTO t (v) VALUES ('d'), ('e'), ('a')")).Code);
        Assert.Equal(8UL, (await OkAsync("INSERT INTO t (v) VALUES ('f')")).LastInsertId);
        // INSERT IGNORE of a duplicate spends one too, and the table's next id says so.
        Assert.Equal(0UL, (await OkAsync("INSERT IGNORE INTO t (v) VALUES ('f')")).AffectedRows);
        Assert.Equal("10", await ScalarAsync("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 's' AND TABLE_NAME = 't'"));
        Assert.Contains("AUTO_INCREMENT=10", (await RowsAsync("SHOW CREATE TABLE t"))[0][1], StringComparison.Ordinal);
        Assert.Equal(10UL, (await OkAsync("INSERT INTO t (v) VALUES ('g')")).LastInsertId);
        // Another session continues the same count.
        using var other = OpenSession("s");
        await OkAsync("BEGIN", other);
        Assert.Equal(11UL, (await OkAsync("INSERT INTO t (v) VALUES ('h')", other)).LastInsertId);
        await OkAsync("ROLLBACK", other);
        Assert.Equal(12UL, (await OkAsync("INSERT INTO t (v) VALUES ('i')")).LastInsertId);
        Assert.Equal(["1", "3", "8", "10", "12"], (await RowsAsync("SELECT id FROM t ORDER BY id")).Select(r => r[0]));
        // An upsert that updates spends one too.
        await OkAsync("INSERT INTO t (v) VALUES ('i') ON DUPLICATE KEY UPDATE v = 'i'");
        Assert.Equal(14UL, (await OkAsync("INSERT INTO t (v) VALUES ('j')")).LastInsertId);
        // TRUNCATE starts the count again.
        await OkAsync("TRUNCATE TABLE t");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t (v) VALUES ('a')")).LastInsertId);
    }

    [Fact]
    public async Task AutoIncrementCounterIsSeenByANewServer()
    {
        await OkAsync("CREATE TABLE t (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v INT)");
        await OkAsync("INSERT INTO t (v) VALUES (1), (2), (3)");
        await OkAsync("DELETE FROM t");
        var restarted = new SqlServer(Database, new SqlServerOptions());
        using var session = restarted.OpenSession(new SessionInfo(50, "admin", "127.0.0.1:2", "s"));
        Assert.Equal(4UL, (await OkAsync("INSERT INTO t (v) VALUES (4)", session)).LastInsertId);
    }

    [Fact]
    public async Task AMultiRowReplaceReplacesEveryDuplicateRow()
    {
        // Rows of one shape share their SQL; each row whose key exists is replaced (MySQL counts 2 for it, 1 for a new row).
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        await OkAsync("INSERT INTO t VALUES (2, 'old'), (3, 'old')");
        var replaced = await OkAsync("REPLACE INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
        Assert.Equal(6UL, replaced.AffectedRows);
        Assert.Equal(["1 a", "2 b", "3 c", "4 d"], (await RowsAsync("SELECT id, v FROM t ORDER BY id")).Select(r => $"{r[0]} {r[1]}").ToArray());
    }

    [Fact]
    public async Task RowsOfOneShapeEachBindTheirOwnValues()
    {
        // Rows of one shape share one parameter layout; each must still see its own literals, negated ones included,
        // and an error must name the value of the row that failed, not the first row's.
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(10) DEFAULT 'dflt')");
        await OkAsync("INSERT INTO t VALUES (1, -10, 'a'), (2, -20, 'b'), (3, 30, DEFAULT), (4, 40, 'd'), (5, -50, 'e')");
        Assert.Equal(["1 -10 a", "2 -20 b", "3 30 dflt", "4 40 d", "5 -50 e"],
            (await RowsAsync("SELECT id, v, s FROM t ORDER BY id")).Select(r => $"{r[0]} {r[1]} {r[2]}").ToArray());
        var e = await ErrorAsync("INSERT INTO t VALUES (6, 60, 'f'), (7, 70, 'g'), (4, 80, 'h'), (8, 90, 'i')");
        Assert.Equal(MySqlErrorCode.DupEntry, e.Code);
        Assert.Equal("Duplicate entry '4' for key 't.PRIMARY'", e.Message);
        Assert.Equal("5", await ScalarAsync("SELECT COUNT(*) FROM t"));
        var ignored = await OkAsync("INSERT IGNORE INTO t VALUES (6, 60, 'f'), (2, 0, 'x'), (7, 70, 'g')");
        Assert.Equal(2UL, ignored.AffectedRows);
        Assert.Equal("Duplicate entry '2' for key 't.PRIMARY'", (await RowsAsync("SHOW WARNINGS"))[0][2]);
        // Out of range in the third row of one shape: the error names row 3.
        var range = await ErrorAsync("INSERT INTO t (id, v) VALUES (10, 1), (11, 2), (12, 99999999999)");
        Assert.Equal("Out of range value for column 'v' at row 3", range.Message);
    }

    [Fact]
    public async Task UpdateCountsChangedRowsOnly()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        await OkAsync("INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
        var same = await OkAsync("UPDATE t SET v = 10 WHERE id = 1");
        Assert.Equal(0UL, same.AffectedRows);
        Assert.Equal("Rows matched: 1  Changed: 0  Warnings: 0", same.Info);
        var some = await OkAsync("UPDATE t SET v = 20 WHERE id IN (1, 2)");
        Assert.Equal(1UL, some.AffectedRows);
        Assert.Equal("Rows matched: 2  Changed: 1  Warnings: 0", some.Info);
        Assert.Equal("1", await ScalarAsync("SELECT ROW_COUNT()"));
        var limited = await OkAsync("UPDATE t SET v = v + 1 ORDER BY id DESC LIMIT 2");
        Assert.Equal(2UL, limited.AffectedRows);
        Assert.Equal(["20", "21", "31"], (await RowsAsync("SELECT v FROM t ORDER BY id")).Select(r => r[0]).ToArray());
        Assert.Equal(1UL, (await OkAsync("DELETE FROM t ORDER BY v LIMIT 1")).AffectedRows);
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task OnDuplicateKeyUpdateCountsOneTwoOrZero()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, n INT, name VARCHAR(10))");
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t VALUES (1, 1, 'a') ON DUPLICATE KEY UPDATE n = n + 1")).AffectedRows);
        Assert.Equal(2UL, (await OkAsync("INSERT INTO t VALUES (1, 1, 'a') ON DUPLICATE KEY UPDATE n = n + 1")).AffectedRows);
        Assert.Equal("2", await ScalarAsync("SELECT n FROM t WHERE id = 1"));
        Assert.Equal(0UL, (await OkAsync("INSERT INTO t VALUES (1, 5, 'a') ON DUPLICATE KEY UPDATE name = VALUES(name)")).AffectedRows);
        Assert.Equal(3UL, (await OkAsync("INSERT INTO t VALUES (1, 9, 'z'), (2, 1, 'b') ON DUPLICATE KEY UPDATE name = VALUES(name)")).AffectedRows);
        Assert.Equal([["1", "2", "z"], ["2", "1", "b"]], await RowsAsync("SELECT * FROM t ORDER BY id"));
    }

    [Fact]
    public async Task InsertIgnoreAndReplace()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        await OkAsync("INSERT INTO t VALUES (1, 'a')");
        var ignored = await OkAsync("INSERT IGNORE INTO t VALUES (1, 'b'), (2, 'c')");
        Assert.Equal(1UL, ignored.AffectedRows);
        Assert.Equal(1, Session.WarningCount);
        Assert.Equal([["Warning", "1062", "Duplicate entry '1' for key 't.PRIMARY'"]], await RowsAsync("SHOW WARNINGS"));
        Assert.Equal("a", await ScalarAsync("SELECT v FROM t WHERE id = 1"));
        Assert.Equal(2UL, (await OkAsync("REPLACE INTO t VALUES (1, 'r')")).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("REPLACE INTO t VALUES (3, 'n')")).AffectedRows);
        Assert.Equal("r", await ScalarAsync("SELECT v FROM t WHERE id = 1"));
    }

    [Fact]
    public async Task DuplicateEntryNamesTheKeyLikeMySql8()
    {
        await OkAsync("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(50), a INT, b INT, UNIQUE KEY email_uq (email), UNIQUE KEY ab (a, b))");
        await OkAsync("INSERT INTO users VALUES (1, 'x@y', 1, 2)");
        var pk = await ErrorAsync("INSERT INTO users VALUES (1, 'other', 5, 5)");
        Assert.Equal(MySqlErrorCode.DupEntry, pk.Code);
        Assert.Equal("Duplicate entry '1' for key 'users.PRIMARY'", pk.Message);
        Assert.Equal("23000", pk.SqlState);
        var uq = await ErrorAsync("INSERT INTO users VALUES (2, 'x@y', 5, 5)");
        Assert.Equal("Duplicate entry 'x@y' for key 'users.email_uq'", uq.Message);
        var composite = await ErrorAsync("INSERT INTO users VALUES (3, 'z', 1, 2)");
        Assert.Equal("Duplicate entry '1-2' for key 'users.ab'", composite.Message);
        await OkAsync("INSERT INTO users VALUES (2, 'q', 3, 3)");
        var update = await ErrorAsync("UPDATE users SET email = 'x@y' WHERE id = 2");
        Assert.Equal("Duplicate entry 'x@y' for key 'users.email_uq'", update.Message);
    }

    [Fact]
    public async Task StringComparisonIsCaseInsensitive()
    {
        await OkAsync("CREATE TABLE t (name VARCHAR(20), code VARCHAR(20) COLLATE utf8mb4_bin)");
        await OkAsync("INSERT INTO t VALUES ('Alice', 'Alice'), ('bob', 'bob')");
        Assert.Equal("Alice", await ScalarAsync("SELECT name FROM t WHERE name = 'ALICE'"));
        Assert.Equal("Alice", await ScalarAsync("SELECT name FROM t WHERE name LIKE 'al%'"));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t WHERE code = 'ALICE'"));
        Assert.Equal(["Alice", "bob"], (await RowsAsync("SELECT name FROM t ORDER BY name")).Select(r => r[0]).ToArray());
        Assert.Equal("bob", await ScalarAsync("SELECT name FROM t WHERE name REGEXP '^B'"));
    }

    [Fact]
    public async Task DecimalKeepsItsScaleAndWideDecimalsRoundTrip()
    {
        await OkAsync("CREATE TABLE t (price DECIMAL(10,2), big DECIMAL(65,30), f FLOAT, d DOUBLE)");
        await OkAsync("INSERT INTO t VALUES (1.5, '12345678901234567890123456789012345.123456789012345678901234567891', 1.1, 0.1)");
        var row = (await RowsAsync("SELECT price, big, f, d FROM t"))[0];
        Assert.Equal("1.50", row[0]);
        Assert.Equal("12345678901234567890123456789012345.123456789012345678901234567891", row[1]);
        Assert.Equal("1.1", row[2]);
        Assert.Equal("0.1", row[3]);
        await AssertErrorAsync(MySqlErrorCode.WarnDataOutOfRange, "INSERT INTO t (price) VALUES (123456789.5)");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE big > 1000"));
        Assert.Equal("3.00", await ScalarAsync("SELECT price * 2 AS p FROM t"));
        Assert.Equal("3.000", await ScalarAsync("SELECT price * 2.0 FROM t"));
        Assert.Equal("7.0", await ScalarAsync("SELECT 2 * 3.5"));
        Assert.Equal("1.50", await ScalarAsync("SELECT SUM(price) FROM t"));
    }

    [Fact]
    public async Task NullSafeEqualityDivModAndCase()
    {
        Assert.Equal("1", await ScalarAsync("SELECT NULL <=> NULL"));
        Assert.Null(await ScalarAsync("SELECT NULL = NULL"));
        Assert.Equal("2", await ScalarAsync("SELECT 7 DIV 3"));
        Assert.Equal("1", await ScalarAsync("SELECT 7 MOD 3"));
        Assert.Equal("1", await ScalarAsync("SELECT 7 % 3"));
        Assert.Equal("2.3333", await ScalarAsync("SELECT 7 / 3"));
        Assert.Null(await ScalarAsync("SELECT 1 / 0"));
        Assert.Equal("yes", await ScalarAsync("SELECT CASE WHEN 1 > 0 THEN 'yes' ELSE 'no' END"));
        Assert.Equal("b", await ScalarAsync("SELECT IF(0, 'a', 'b')"));
        Assert.Equal("x", await ScalarAsync("SELECT IFNULL(NULL, 'x')"));
        Assert.Equal("y", await ScalarAsync("SELECT COALESCE(NULL, NULL, 'y')"));
        Assert.Equal("ab1", await ScalarAsync("SELECT CONCAT('a', 'b', 1)"));
        Assert.Null(await ScalarAsync("SELECT CONCAT('a', NULL)"));
        Assert.Equal("1000", await ScalarAsync("SELECT 1e3"));
        // A bit-value literal is a binary string (b'1000001' is 'A'), and a number where a number is wanted.
        Assert.Equal("A", await ScalarAsync("SELECT b'1000001'"));
        Assert.Equal("05", await ScalarAsync("SELECT HEX(b'101')"));
        Assert.Equal("5", await ScalarAsync("SELECT b'101' + 0"));
        Assert.Equal("1", await ScalarAsync("SELECT b'101' = 5"));
        Assert.Equal("1", await ScalarAsync("SELECT 'abc' LIKE 'A%'"));
        Assert.Equal("1", await ScalarAsync("SELECT 3 BETWEEN 1 AND 5"));
        Assert.Equal("1", await ScalarAsync("SELECT 2 IN (1, 2, 3)"));
        Assert.Equal("1", await ScalarAsync("SELECT NULL IS NULL"));
        Assert.Equal("-5", await ScalarAsync("SELECT CAST('-5' AS SIGNED)"));
        Assert.Equal("12.35", await ScalarAsync("SELECT CAST(12.345 AS DECIMAL(10,2))"));
        Assert.Equal("2024-01-05", await ScalarAsync("SELECT CAST('2024-01-05 10:00:00' AS DATE)"));
        Assert.Equal("2024-01-05 00:00:00", await ScalarAsync("SELECT CAST('2024-01-05' AS DATETIME)"));
        Assert.Equal("42", await ScalarAsync("SELECT CAST(42 AS CHAR)"));
        Assert.Equal("Jan 05 2024", await ScalarAsync("SELECT DATE_FORMAT('2024-01-05', '%b %d %Y')"));
        Assert.Equal("2024-02-04", await ScalarAsync("SELECT DATE_ADD('2024-01-05', INTERVAL 30 DAY)"));
        Assert.Equal("a\nb", await ScalarAsync("SELECT 'a\\nb'"));
        Assert.Equal("it's", await ScalarAsync("SELECT \"it's\""));
        Assert.Equal("AB", await ScalarAsync("SELECT X'4142'"));
    }

    [Fact]
    public async Task OnUpdateCurrentTimestampChangesOnlyWithTheRow()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT, ts DATETIME DEFAULT '2000-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP)");
        await OkAsync("INSERT INTO t (id, v) VALUES (1, 1), (2, 2)");
        await OkAsync("UPDATE t SET v = 1");
        Assert.Equal("2000-01-01 00:00:00", await ScalarAsync("SELECT ts FROM t WHERE id = 1"));
        Assert.NotEqual("2000-01-01 00:00:00", await ScalarAsync("SELECT ts FROM t WHERE id = 2"));
    }

    [Fact]
    public async Task DateColumnsCompareAsDates()
    {
        await OkAsync("CREATE TABLE t (d DATE, dt DATETIME)");
        await OkAsync("INSERT INTO t VALUES ('2024-01-05', '2024-01-05 10:00:00')");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE d = '2024-1-5'"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE d = 20240105"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE dt > '2024-01-05'"));
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE d BETWEEN '2024-01-01' AND '2024-1-31'"));
        var ps = Session.Prepare("SELECT COUNT(*) FROM t WHERE d = ?");
        var sink = new RecordingSink();
        await Session.ExecutePreparedAsync(ps, [new DateTime(2024, 1, 5)], sink, TestToken);
        Assert.Equal("1", sink.Last.Rows[0][0]);
    }

    [Fact]
    public async Task LastInsertIdWithAnArgumentSetsTheSessionValue()
    {
        await OkAsync("CREATE TABLE seq (id INT NOT NULL)");
        await OkAsync("INSERT INTO seq VALUES (0)");
        var ok = await OkAsync("UPDATE seq SET id = LAST_INSERT_ID(id + 1)");
        Assert.Equal(1UL, ok.LastInsertId);
        Assert.Equal("1", await ScalarAsync("SELECT LAST_INSERT_ID()"));
        Assert.Equal("42", await ScalarAsync("SELECT LAST_INSERT_ID(42)"));
        Assert.Equal("42", await ScalarAsync("SELECT LAST_INSERT_ID()"));
    }

    [Fact]
    public async Task EnumSortsByMemberNumber()
    {
        await OkAsync("CREATE TABLE t (size ENUM('small', 'medium', 'large'))");
        await OkAsync("INSERT INTO t VALUES ('large'), ('small'), ('MEDIUM'), (1)");
        Assert.Equal(["small", "small", "medium", "large"], (await RowsAsync("SELECT size FROM t ORDER BY size")).Select(r => r[0]).ToArray());
    }

    [Fact]
    public async Task CheckConstraintsAreEnforced()
    {
        await OkAsync("CREATE TABLE t (a INT CHECK (a > 0), b VARCHAR(5), CONSTRAINT b_short CHECK (CHAR_LENGTH(b) < 4), CHECK (a < 100) NOT ENFORCED)");
        await OkAsync("INSERT INTO t VALUES (1, 'ab')");
        var ex = await ErrorAsync("INSERT INTO t VALUES (0, 'ab')");
        Assert.Equal(MySqlErrorCode.CheckConstraintViolated, ex.Code);
        Assert.Equal("Check constraint 't_chk_1' is violated.", ex.Message);
        Assert.Equal("Check constraint 'b_short' is violated.", (await ErrorAsync("UPDATE t SET b = 'abcd'")).Message);
        await OkAsync("INSERT INTO t VALUES (500, 'x')");
        Assert.Contains("CONSTRAINT `b_short` CHECK (CHAR_LENGTH(b) < 4)", (await RowsAsync("SHOW CREATE TABLE t"))[0][1]);
    }

    [Fact]
    public async Task ClientFoundRowsCountsMatchedRows()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        await OkAsync("INSERT INTO t VALUES (1, 1), (2, 2)");
        using var found = Server.OpenSession(new SessionInfo(77, "admin", "127.0.0.1:9", "s", FoundRows: true));
        Assert.Equal(2UL, (await OkAsync("UPDATE t SET v = 1", found)).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("INSERT INTO t VALUES (1, 1) ON DUPLICATE KEY UPDATE v = 1", found)).AffectedRows);
        Assert.Equal(0UL, (await OkAsync("UPDATE t SET v = 1")).AffectedRows);
    }

    [Fact]
    public async Task InsertRowAliasInOnDuplicateKeyUpdate()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, n INT)");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        Assert.Equal(2UL, (await OkAsync("INSERT INTO t VALUES (1, 5) AS new ON DUPLICATE KEY UPDATE n = t.n + new.n")).AffectedRows);
        Assert.Equal("6", await ScalarAsync("SELECT n FROM t"));
        await OkAsync("INSERT INTO t (id, n) VALUES (1, 10) AS r (i, v) ON DUPLICATE KEY UPDATE n = r.v");
        Assert.Equal("10", await ScalarAsync("SELECT n FROM t"));
    }
}
