using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

/// <summary>SQL-level PREPARE / EXECUTE … USING / DEALLOCATE PREPARE.</summary>
public sealed class NamedPreparedStatementTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))");
    }

    [Fact]
    public async Task PreparedTextRunsWithUserVariablesAsParameters()
    {
        Assert.Equal("Statement prepared", (await OkAsync("PREPARE ins FROM 'INSERT INTO t VALUES (?, ?)'")).Info);
        await RunAsync("SET @id = 1, @name = 'ann'; EXECUTE ins USING @id, @name; SET @id = 2, @name = NULL; EXECUTE ins USING @id, @name");
        await RunAsync("SET @q = 'SELECT name FROM t WHERE id >= ? ORDER BY id'; PREPARE sel FROM @q; SET @from = 1");
        Assert.Equal([["ann"], [null]], await RowsAsync("EXECUTE sel USING @from"));
        // The same name prepared again replaces the statement.
        await OkAsync("PREPARE sel FROM 'SELECT COUNT(*) FROM t'");
        Assert.Equal("2", await ScalarAsync("execute SEL"));
        await OkAsync("DEALLOCATE PREPARE sel");
        await OkAsync("DROP PREPARE ins");
        Assert.Equal([["1", "ann"], ["2", null]], await RowsAsync("SELECT id, name FROM t ORDER BY id"));
    }

    [Fact]
    public async Task MistakesGetMySqlsErrorsAndLeaveTheSessionUsable()
    {
        await OkAsync("PREPARE one FROM 'SELECT ?'");
        var unknown = await ErrorAsync("EXECUTE nope");
        Assert.Equal((MySqlErrorCode.UnknownStmtHandler, "Unknown prepared statement handler (nope) given to EXECUTE"), (unknown.Code, unknown.Message));
        Assert.Equal("Unknown prepared statement handler (nope) given to DEALLOCATE PREPARE", (await ErrorAsync("DEALLOCATE PREPARE nope")).Message);
        Assert.Equal(MySqlErrorCode.WrongArguments, (await ErrorAsync("EXECUTE one")).Code);
        Assert.Equal(MySqlErrorCode.WrongArguments, (await ErrorAsync("SET @a = 1, @b = 2; EXECUTE one USING @a, @b")).Code);
        Assert.Equal(MySqlErrorCode.ParseError, (await ErrorAsync("EXECUTE one USING 5")).Code);
        Assert.Equal(MySqlErrorCode.ParseError, (await ErrorAsync("PREPARE two FROM @unset")).Code);
        Assert.Equal(MySqlErrorCode.ParseError, (await ErrorAsync("PREPARE two FROM 'SELECT 1; SELECT 2'")).Code);
        Assert.Equal(MySqlErrorCode.UnsupportedPs, (await ErrorAsync("PREPARE two FROM 'EXECUTE one'")).Code);
        Assert.Equal(MySqlErrorCode.NoSuchTable, (await ErrorAsync("PREPARE two FROM 'SELECT * FROM missing'")).Code);
        Assert.Equal(MySqlErrorCode.UnknownStmtHandler, (await ErrorAsync("EXECUTE two")).Code);
        // A failed PREPARE of an existing name drops the old statement, as in MySQL.
        Assert.Equal(MySqlErrorCode.NoSuchTable, (await ErrorAsync("PREPARE one FROM 'SELECT * FROM missing'")).Code);
        Assert.Equal(MySqlErrorCode.UnknownStmtHandler, (await ErrorAsync("EXECUTE one")).Code);
        // An error of the executed statement is the EXECUTE's, listed once.
        await RunAsync("INSERT INTO t VALUES (1, 'a'); PREPARE ins FROM 'INSERT INTO t VALUES (?, NULL)'; SET @id = 1");
        Assert.Equal(MySqlErrorCode.DupEntry, (await ErrorAsync("EXECUTE ins USING @id")).Code);
        Assert.Equal([["Error", "1062", "Duplicate entry '1' for key 't.PRIMARY'"]], await RowsAsync("SHOW WARNINGS"));
        Assert.Equal("1", await ScalarAsync("SELECT 1"));
    }

    [Fact]
    public async Task NamesBelongToTheirSessionAndEndWithAReset()
    {
        await OkAsync("PREPARE mine FROM 'SELECT 42'");
        using var other = OpenSession("d");
        Assert.Equal(MySqlErrorCode.UnknownStmtHandler, (await ErrorAsync("EXECUTE mine", other)).Code);
        Assert.Equal("42", await ScalarAsync("EXECUTE mine"));
        Session.Reset();
        Assert.Equal(MySqlErrorCode.UnknownStmtHandler, (await ErrorAsync("EXECUTE mine")).Code);
    }
}
