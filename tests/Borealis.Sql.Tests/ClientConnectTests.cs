using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>What the mariadb CLI, PyMySQL, MySqlConnector and sysbench send around connecting.</summary>
public sealed class ClientConnectTests : SqlTestBase
{
    [Fact]
    public async Task VersionCommentAndVersionVariables()
    {
        var r = await ExecAsync("select @@version_comment limit 1");
        Assert.Equal("@@version_comment", r.Columns![0].Name);
        Assert.Contains("Borealis", r.Rows[0][0]);
        Assert.StartsWith("8.0.", await ScalarAsync("SELECT @@version"));
        Assert.StartsWith("8.0.", await ScalarAsync("SELECT VERSION()"));
        Assert.Equal("testhost", await ScalarAsync("SELECT @@hostname"));
        Assert.Equal("test-instance", await ScalarAsync("SELECT @@aurora_server_id"));
        Assert.Equal("0", await ScalarAsync("SELECT @@read_only"));
        Assert.Equal("0", await ScalarAsync("SELECT @@innodb_read_only"));
        Assert.Equal("1", await ScalarAsync("SELECT @@session.autocommit"));
        Assert.Equal("REPEATABLE-READ", await ScalarAsync("SELECT @@transaction_isolation"));
        Assert.Equal("utf8mb4", await ScalarAsync("SELECT @@character_set_client"));
    }

    [Fact]
    public async Task ManyVariablesInOneSelect()
    {
        var r = await ExecAsync("SELECT @@max_allowed_packet, @@sql_mode, @@lower_case_table_names, @@collation_connection, @@global.time_zone, @@session.wait_timeout");
        Assert.Equal(6, r.Rows[0].Length);
        Assert.Equal("67108864", r.Rows[0][0]);
        Assert.Contains("STRICT_TRANS_TABLES", r.Rows[0][1]);
        Assert.Equal(MySqlColumnType.LongLong, r.Columns![0].Type);
    }

    [Fact]
    public async Task SetStatementsClientsSend()
    {
        await OkAsync("SET NAMES utf8mb4");
        await OkAsync("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_general_ci'");
        Assert.Equal("utf8mb4_general_ci", await ScalarAsync("SELECT @@collation_connection"));
        await OkAsync("SET autocommit=0");
        Assert.False(Session.Status.HasFlag(ServerStatus.Autocommit));
        await OkAsync("SET AUTOCOMMIT = 1");
        Assert.True(Session.Status.HasFlag(ServerStatus.Autocommit));
        await OkAsync("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'");
        await OkAsync("SET @@session.sql_mode = TRADITIONAL");
        await OkAsync("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        await OkAsync("SET character_set_results = NULL");
        await OkAsync("SET @x = 5, @y = 'abc'");
        Assert.Equal("5", await ScalarAsync("SELECT @x"));
        Assert.Equal("abc", await ScalarAsync("SELECT @y"));
        await AssertErrorAsync(Errors.MySqlErrorCode.UnknownSystemVariable, "SET no_such_variable = 1");
        await AssertErrorAsync(Errors.MySqlErrorCode.UnknownSystemVariable, "SELECT @@no_such_variable");
    }

    [Fact]
    public async Task SessionFunctions()
    {
        Assert.Null(await ScalarAsync("SELECT DATABASE()"));
        await RunAsync("CREATE DATABASE d1; USE d1");
        Assert.Equal("d1", await ScalarAsync("SELECT DATABASE()"));
        Assert.Equal("1", await ScalarAsync("SELECT CONNECTION_ID()"));
        Assert.Equal("admin@127.0.0.1", await ScalarAsync("SELECT USER()"));
        Assert.Equal("admin@127.0.0.1", await ScalarAsync("SELECT CURRENT_USER()"));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", await ScalarAsync("SELECT NOW()"));
        Assert.Matches(@"^\d{4}-\d\d-\d\d$", await ScalarAsync("SELECT CURDATE()"));
        Assert.Matches(@"^\d\d:\d\d:\d\d$", await ScalarAsync("SELECT CURTIME()"));
        Assert.Matches(@"^\d{10}$", await ScalarAsync("SELECT UNIX_TIMESTAMP()"));
    }

    [Fact]
    public async Task AuroraVersionVariableIsShown()
    {
        var rows = await RowsAsync("SHOW VARIABLES LIKE 'aurora_version'");
        Assert.Single(rows);
        Assert.Equal("aurora_version", rows[0][0]);
        var lower = await RowsAsync("SHOW SESSION VARIABLES LIKE 'lower_case_%'");
        Assert.Single(lower);
        var where = await RowsAsync("SHOW VARIABLES WHERE Variable_name = 'version' OR Variable_name = 'hostname'");
        Assert.Equal(2, where.Count);
    }

    [Fact]
    public async Task MultipleStatementsNeedTheFlag()
    {
        var sink = new RecordingSink();
        await Session.ExecuteAsync("SELECT 1; SELECT 2", allowMultipleStatements: true, sink, TestToken);
        Assert.Equal(2, sink.Results.Count);
        var ex = await Assert.ThrowsAsync<Errors.MySqlErrorException>(() => Session.ExecuteAsync("SELECT 1; SELECT 2", false, new RecordingSink(), TestToken).AsTask());
        Assert.Equal(Errors.MySqlErrorCode.ParseError, ex.Code);
        Assert.Contains("near 'SELECT 2' at line 1", ex.Message);
    }

    [Fact]
    public async Task ReadOnlyServerRefusesWrites()
    {
        await RunAsync("CREATE DATABASE ro; USE ro; CREATE TABLE t (a INT)");
        var replica = new SqlServer(Database, new SqlServerOptions { ReadOnly = true });
        using var session = replica.OpenSession(new SessionInfo(99, "admin", "127.0.0.1:1", "ro"));
        await AssertErrorAsync(Errors.MySqlErrorCode.OptionPreventsStatement, "INSERT INTO t VALUES (1)", session);
        await AssertErrorAsync(Errors.MySqlErrorCode.OptionPreventsStatement, "CREATE TABLE u (a INT)", session);
        await AssertErrorAsync(Errors.MySqlErrorCode.OptionPreventsStatement, "UPDATE t SET a = 2", session);
        Assert.Equal("1", await ScalarAsync("SELECT @@innodb_read_only", session));
        Assert.Equal("0", await ScalarAsync("SELECT COUNT(*) FROM t", session));
    }
}
