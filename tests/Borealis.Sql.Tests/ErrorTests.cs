using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

public sealed class ErrorTests : SqlTestBase
{
    [Fact]
    public async Task CatalogErrorsUseMySqlCodesAndMessages()
    {
        var noDb = await ErrorAsync("SELECT * FROM t");
        Assert.Equal(MySqlErrorCode.NoDbError, noDb.Code);
        Assert.Equal("3D000", noDb.SqlState);
        var unknownDb = await ErrorAsync("USE nope");
        Assert.Equal(MySqlErrorCode.BadDbError, unknownDb.Code);
        Assert.Equal("Unknown database 'nope'", unknownDb.Message);
        Assert.Throws<MySqlErrorException>(() => Session.UseDatabase("nope"));
        await RunAsync("CREATE DATABASE e; USE e; CREATE TABLE t (a INT)");
        await AssertErrorAsync(MySqlErrorCode.DbCreateExists, "CREATE DATABASE e");
        await OkAsync("CREATE DATABASE IF NOT EXISTS e");
        Assert.Equal(1, Session.WarningCount);
        var exists = await ErrorAsync("CREATE TABLE t (b INT)");
        Assert.Equal(MySqlErrorCode.TableExists, exists.Code);
        Assert.Equal("Table 't' already exists", exists.Message);
        await OkAsync("CREATE TABLE IF NOT EXISTS t (b INT)");
        var missing = await ErrorAsync("SELECT * FROM nosuch");
        Assert.Equal(MySqlErrorCode.NoSuchTable, missing.Code);
        Assert.Equal("Table 'e.nosuch' doesn't exist", missing.Message);
        Assert.Equal("42S02", missing.SqlState);
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "INSERT INTO nosuch VALUES (1)");
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM other.t");
        var drop = await ErrorAsync("DROP TABLE nosuch");
        Assert.Equal(MySqlErrorCode.BadTableError, drop.Code);
        Assert.Equal("Unknown table 'e.nosuch'", drop.Message);
        await OkAsync("DROP TABLE IF EXISTS nosuch");
        await AssertErrorAsync(MySqlErrorCode.DbDropExists, "DROP DATABASE nope");
        var column = await ErrorAsync("SELECT zz FROM t");
        Assert.Equal(MySqlErrorCode.BadFieldError, column.Code);
        Assert.Equal("Unknown column 'zz' in 'field list'", column.Message);
        await AssertErrorAsync(MySqlErrorCode.BadFieldError, "INSERT INTO t (zz) VALUES (1)");
        await AssertErrorAsync(MySqlErrorCode.BadFieldError, "UPDATE t SET zz = 1");
        await AssertErrorAsync(MySqlErrorCode.WrongValueCountOnRow, "INSERT INTO t VALUES (1, 2)");
    }

    [Fact]
    public async Task SyntaxErrorsQuoteTheRestOfTheStatementAndTheLine()
    {
        var ex = await ErrorAsync("SELECT * FORM t");
        Assert.Equal(MySqlErrorCode.ParseError, ex.Code);
        Assert.Equal("42000", ex.SqlState);
        Assert.EndsWith("near 'FORM t' at line 1", ex.Message);
        var multi = await ErrorAsync("SELECT 1,\n  2 +\n  FROM");
        Assert.EndsWith("near 'FROM' at line 3", multi.Message);
        var end = await ErrorAsync("SELECT 1 +");
        Assert.EndsWith("near '' at line 1", end.Message);
        await AssertErrorAsync(MySqlErrorCode.ParseError, "SELEKT 1");
        await AssertErrorAsync(MySqlErrorCode.ParseError, "SELECT 'unterminated");
        await AssertErrorAsync(MySqlErrorCode.EmptyQuery, "  ");
        await AssertErrorAsync(MySqlErrorCode.EmptyQuery, "-- only a comment");
    }

    [Fact]
    public async Task UnsupportedStatementsSay1235()
    {
        await AssertErrorAsync(MySqlErrorCode.NotSupportedYet, "CREATE PROCEDURE p() BEGIN END");
        await AssertErrorAsync(MySqlErrorCode.NoDbError, "CREATE VIEW v AS SELECT 1");
        await AssertErrorAsync(MySqlErrorCode.NotSupportedYet, "GRANT ALL ON *.* TO x");
        // JSON path wildcards were 1235 once; they work now.
        Assert.Equal("1", await ScalarAsync("SELECT 1 FROM dual WHERE JSON_EXTRACT('[1]', '$[*]') IS NOT NULL"));
    }

    [Fact]
    public async Task FailedStatementInTransactionKeepsTheTransaction()
    {
        await RunAsync("CREATE DATABASE e; USE e; CREATE TABLE t (id INT PRIMARY KEY)");
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (1)");
        await AssertErrorAsync(MySqlErrorCode.DupEntry, "INSERT INTO t VALUES (2), (1)");
        await OkAsync("INSERT INTO t VALUES (3)");
        await OkAsync("COMMIT");
        Assert.Equal(["1", "3"], (await RowsAsync("SELECT id FROM t ORDER BY id")).Select(r => r[0]).ToArray());
    }

    [Fact]
    public async Task UnknownFunctionAndWrongArgumentCount()
    {
        await AssertErrorAsync(MySqlErrorCode.SpDoesNotExist, "SELECT nosuchfn(1)");
        await AssertErrorAsync(MySqlErrorCode.WrongParamcountToNativeFct, "SELECT IFNULL(1)");
    }
}
