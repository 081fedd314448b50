using Borealis.Sql.Errors;

namespace Borealis.Sql.Tests;

public sealed class TransactionTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE x; USE x; CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    }

    [Fact]
    public async Task RollbackUndoesAndCommitKeeps()
    {
        await OkAsync("START TRANSACTION");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        await OkAsync("ROLLBACK");
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        await OkAsync("COMMIT");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    /// <summary>SQLite rolls a transaction back by itself on some errors; here it happens between statements, unseen.</summary>
    void EngineRollsBackBehindTheSession() =>
        Assert.Equal(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_exec(((SqlSession)Session).Connection.Handle, "ROLLBACK"));

    [Fact]
    public async Task ATransactionLostBetweenStatementsFailsItsCommitInsteadOfAnsweringOk()
    {
        await OkAsync("START TRANSACTION");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        EngineRollsBackBehindTheSession();

        var lost = await ErrorAsync("COMMIT");

        Assert.Equal(MySqlErrorCode.ErrorDuringCommit, lost.Code);
        Assert.Contains("nothing of it was committed", lost.Message, StringComparison.Ordinal);
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
        // Reported once: the session goes on normally.
        await OkAsync("INSERT INTO t VALUES (2, 2)");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task AStatementAfterALostTransactionFailsRatherThanRunOnItsOwnAndARollbackIsFine()
    {
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        EngineRollsBackBehindTheSession();

        // In autocommit mode this insert would otherwise commit alone, outside the transaction the client opened.
        var lost = await ErrorAsync("INSERT INTO t VALUES (2, 2)");
        Assert.Equal(MySqlErrorCode.UnknownError, lost.Code);
        Assert.StartsWith("The open transaction was rolled back", lost.Message, StringComparison.Ordinal);
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));

        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (3, 3)");
        EngineRollsBackBehindTheSession();
        await OkAsync("ROLLBACK");
        await OkAsync("COMMIT");
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task SavepointsRollBackPartOfATransaction()
    {
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        await OkAsync("SAVEPOINT sp1");
        await OkAsync("INSERT INTO t VALUES (2, 2)");
        await OkAsync("ROLLBACK TO SAVEPOINT sp1");
        await OkAsync("INSERT INTO t VALUES (3, 3)");
        await OkAsync("RELEASE SAVEPOINT sp1");
        await AssertErrorAsync(MySqlErrorCode.SpDoesNotExist, "ROLLBACK TO sp_missing");
        await OkAsync("COMMIT");
        Assert.Equal(["1", "3"], (await RowsAsync("SELECT id FROM t ORDER BY id")).Select(r => r[0]).ToArray());
    }

    [Fact]
    public async Task AutocommitOffOpensATransactionImplicitly()
    {
        var other = OpenSession("x");
        await OkAsync("SET autocommit = 0");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
        Assert.True(Session.Status.HasFlag(ServerStatus.InTransaction));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t", other));
        await OkAsync("COMMIT");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t", other));
        await OkAsync("INSERT INTO t VALUES (2, 2)");
        await OkAsync("ROLLBACK");
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t", other));
        // DDL commits implicitly.
        await OkAsync("INSERT INTO t VALUES (3, 3)");
        await OkAsync("CREATE TABLE u (a INT)");
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM t", other));
        other.Dispose();
    }

    [Fact]
    public async Task ResetRollsBackAndClearsSessionState()
    {
        await OkAsync("SET @v = 1");
        await OkAsync("BEGIN");
        await OkAsync("INSERT INTO t VALUES (9, 9)");
        Session.Reset();
        Assert.False(Session.Status.HasFlag(ServerStatus.InTransaction));
        Assert.Null(await ScalarAsync("SELECT @v"));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task ReadOnlyTransactionsRefuseWrites()
    {
        await OkAsync("START TRANSACTION READ ONLY");
        Assert.True(Session.Status.HasFlag(ServerStatus.InTransactionReadOnly));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t"));
        var ex = await ErrorAsync("INSERT INTO t VALUES (1, 1)");
        Assert.Equal(MySqlErrorCode.ReadOnlyTransactionStatement, ex.Code);
        Assert.Equal("25006", ex.SqlState);
        await OkAsync("COMMIT");
        await OkAsync("INSERT INTO t VALUES (1, 1)");
    }
}
