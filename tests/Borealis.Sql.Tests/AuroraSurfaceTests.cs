using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.Sql.Tests;

/// <summary>
/// Aurora's SQL surface (aurora-behaviour.md 2.1–2.4): a read-only instance (a reader) refuses every write with 1290,
/// @@aurora_server_id / aurora_version / @@read_only, information_schema.replica_host_status through the queries the
/// AWS wrappers, ProxySQL and MaxScale send, and ALTER SYSTEM CRASH.
/// </summary>
public sealed class AuroraSurfaceTests : SqlTestBase
{
    const string ReadOnlyMessage = "The MySQL server is running with the --read-only option so it cannot execute this statement";

    readonly List<CrashTarget> _crashes = [];
    List<ReplicaHostStatus> _hosts = [];

    protected override SqlServerOptions Options => new()
    {
        ServerId = "instance-1",
        Hostname = "testhost",
        ReplicaStatus = () => _hosts,
        Crash = _crashes.Add,
    };

    /// <summary>A reader on the same database, with the test's schema (ro.t with two rows) already created.</summary>
    async Task<ISqlSession> ReaderAsync(Func<IReadOnlyList<ReplicaHostStatus>>? replicaStatus = null)
    {
        await RunAsync("CREATE DATABASE ro; USE ro; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t VALUES (1, 'a'), (2, 'b');"
            + " CREATE VIEW vw AS SELECT id FROM t; CREATE INDEX iv ON t (v)");
        var reader = new SqlServer(Database, new SqlServerOptions { ServerId = "instance-2", ReadOnly = true, ReplicaStatus = replicaStatus });
        return reader.OpenSession(new SessionInfo(99, "admin", "127.0.0.1:1", "ro"));
    }

    async Task AssertReadOnlyAsync(string sql, ISqlSession session)
    {
        var ex = await ErrorAsync(sql, session);
        Assert.True(ex.Code == MySqlErrorCode.OptionPreventsStatement, $"{sql}: expected 1290 but got {(int)ex.Code}: {ex.Message}");
        Assert.Equal(1290, (int)ex.Code);
        Assert.Equal("HY000", ex.SqlState);
        Assert.Equal(ReadOnlyMessage, ex.Message);
    }

    [Fact]
    public async Task ReaderRefusesEveryWriteWith1290AndKeepsServingReads()
    {
        using var reader = await ReaderAsync();
        string[] writes =
        [
            "INSERT INTO t VALUES (3, 'c')",
            "INSERT INTO t SELECT id + 10, v FROM t",
            "INSERT INTO t VALUES (1, 'x') ON DUPLICATE KEY UPDATE v = 'x'",
            "REPLACE INTO t VALUES (1, 'z')",
            "UPDATE t SET v = 'q' WHERE id = 1",
            "DELETE FROM t WHERE id = 2",
            "DELETE FROM t",
            "LOAD DATA LOCAL INFILE '/tmp/x.csv' INTO TABLE t",
            "CREATE DATABASE shouldnt_work",
            "DROP DATABASE ro",
            "ALTER DATABASE ro CHARACTER SET utf8mb4",
            "CREATE TABLE u (a INT)",
            "CREATE TABLE IF NOT EXISTS t (a INT)",
            "ALTER TABLE t ADD COLUMN w INT",
            "DROP TABLE t",
            "DROP TABLE IF EXISTS nothing_here",
            "RENAME TABLE t TO t2",
            "TRUNCATE TABLE t",
            "CREATE INDEX i2 ON t (v)",
            "DROP INDEX iv ON t",
            "CREATE VIEW v2 AS SELECT 1",
            "DROP VIEW vw",
            "CREATE USER 'bob'@'%' IDENTIFIED BY 'pw'",
            "GRANT SELECT ON *.* TO 'admin'@'%'",
            "CREATE PROCEDURE p() SELECT 1",
        ];
        foreach (var sql in writes)
            await AssertReadOnlyAsync(sql, reader);

        // Nothing changed, and the session still works after every refusal.
        Assert.Equal([["1", "a"], ["2", "b"]], await RowsAsync("SELECT id, v FROM t ORDER BY id", reader));
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM vw", reader));
        Assert.Equal("ro", await ScalarAsync("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ro'", reader));
        Assert.Single(await RowsAsync("SHOW TABLES LIKE 't'", reader));
        Assert.Equal(2, (await RowsAsync("DESCRIBE t", reader)).Count);
        Assert.Equal("2", await ScalarAsync("SELECT COUNT(*) FROM t", Session));
    }

    [Fact]
    public async Task ReaderRefusesPreparedWritesAndWritesInsideTransactions()
    {
        using var reader = await ReaderAsync();
        var insert = reader.Prepare("INSERT INTO t VALUES (?, ?)");
        var ex = await Assert.ThrowsAsync<MySqlErrorException>(() => reader.ExecutePreparedAsync(insert, [3L, "c"], new RecordingSink(), TestToken).AsTask());
        Assert.Equal(MySqlErrorCode.OptionPreventsStatement, ex.Code);

        await OkAsync("BEGIN", reader);
        Assert.Equal("a", await ScalarAsync("SELECT v FROM t WHERE id = 1 FOR UPDATE", reader));
        Assert.Equal("b", await ScalarAsync("SELECT v FROM t WHERE id = 2 LOCK IN SHARE MODE", reader));
        await AssertReadOnlyAsync("UPDATE t SET v = 'q' WHERE id = 1", reader);
        Assert.True(reader.Status.HasFlag(ServerStatus.InTransaction));
        Assert.Equal("a", await ScalarAsync("SELECT v FROM t WHERE id = 1", reader));
        await OkAsync("COMMIT", reader);
        Assert.False(reader.Status.HasFlag(ServerStatus.InTransaction));
    }

    [Fact]
    public async Task ReaderAllowsTemporaryTables()
    {
        using var reader = await ReaderAsync();
        await OkAsync("CREATE TEMPORARY TABLE scratch (id INT PRIMARY KEY, v VARCHAR(10))", reader);
        Assert.Equal(2UL, (await OkAsync("INSERT INTO scratch SELECT id, v FROM t", reader)).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("UPDATE scratch SET v = 'B' WHERE id = 2", reader)).AffectedRows);
        Assert.Equal(1UL, (await OkAsync("DELETE FROM scratch WHERE id = 1", reader)).AffectedRows);
        Assert.Equal([["2", "B"]], await RowsAsync("SELECT id, v FROM scratch", reader));
        await OkAsync("DROP TEMPORARY TABLE scratch", reader);
        await AssertErrorAsync(MySqlErrorCode.NoSuchTable, "SELECT * FROM scratch", reader);
        await OkAsync("CREATE TEMPORARY TABLE scratch2 (a INT)", reader);
        await OkAsync("DROP TABLE scratch2", reader);
        // The base table is untouched.
        Assert.Equal([["1", "a"], ["2", "b"]], await RowsAsync("SELECT id, v FROM t ORDER BY id", Session));
    }

    [Fact]
    public async Task ReadOnlyVariablesFollowTheRole()
    {
        using var reader = await ReaderAsync();
        foreach (var name in new[] { "@@read_only", "@@global.read_only", "@@innodb_read_only", "@@global.innodb_read_only" })
        {
            Assert.Equal("1", await ScalarAsync("SELECT " + name, reader));
            Assert.Equal("0", await ScalarAsync("SELECT " + name, Session));
        }
        Assert.Equal([["innodb_read_only", "ON"], ["read_only", "ON"]],
            await RowsAsync("SHOW VARIABLES WHERE Variable_name IN ('read_only', 'innodb_read_only')", reader));
        Assert.Equal([["innodb_read_only", "OFF"], ["read_only", "OFF"]],
            await RowsAsync("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'innodb_read_only')", Session));

        // Aurora manages read_only: it cannot be set, on either role.
        var ex = await ErrorAsync("SET GLOBAL read_only = 1", Session);
        Assert.Equal(MySqlErrorCode.IncorrectGlobalLocalVar, ex.Code);
        Assert.Equal("Variable 'read_only' is a read only variable", ex.Message);
        await AssertErrorAsync(MySqlErrorCode.IncorrectGlobalLocalVar, "SET GLOBAL read_only = 0", reader);
        await AssertErrorAsync(MySqlErrorCode.IncorrectGlobalLocalVar, "SET GLOBAL innodb_read_only = 0", reader);
        Assert.Equal("1", await ScalarAsync("SELECT @@read_only", reader));
    }

    [Fact]
    public async Task AuroraServerIdAndVersion()
    {
        using var reader = await ReaderAsync();
        Assert.Equal("instance-1", await ScalarAsync("SELECT @@aurora_server_id"));
        Assert.Equal("instance-2", await ScalarAsync("SELECT @@aurora_server_id", reader));
        Assert.Equal([["aurora_server_id", "instance-2"]], await RowsAsync("SHOW VARIABLES LIKE 'aurora_server_id'", reader));
        Assert.Equal([["aurora_version", "3.08.0"]], await RowsAsync("SHOW VARIABLES LIKE 'aurora_version'"));
        Assert.Equal([["aurora_version", "3.08.0"]], await RowsAsync("SHOW GLOBAL VARIABLES LIKE 'aurora_version'", reader));
        Assert.Equal("3.08.0", await ScalarAsync("SELECT @@aurora_version"));
        Assert.Equal("3.08.0", await ScalarAsync("SELECT @@global.aurora_version"));
        await AssertErrorAsync(MySqlErrorCode.IncorrectGlobalLocalVar, "SET GLOBAL aurora_server_id = 'x'");
    }

    static readonly DateTime s_now = DateTime.UtcNow;

    /// <summary>A writer, a former writer that still claims MASTER_SESSION_ID but older, a fresh reader, a stale reader
    /// (10 minutes), and a reader lagging 700 s.</summary>
    static List<ReplicaHostStatus> Cluster() =>
    [
        new("instance-1", ReplicaHostStatus.MasterSessionId, true, 12.5, s_now, 0),
        new("instance-0", ReplicaHostStatus.MasterSessionId, true, 1, s_now.AddSeconds(-60), 0),
        new("instance-2", "0b5f3c5e-5d1e-4c1a-9c59-8a0e1ad1b001", true, 3.25, s_now.AddSeconds(-1), 7.5),
        new("instance-3", "0b5f3c5e-5d1e-4c1a-9c59-8a0e1ad1b002", true, 0, s_now.AddMinutes(-10), 4),
        new("instance-4", "0b5f3c5e-5d1e-4c1a-9c59-8a0e1ad1b003", true, 50, s_now, 700_000),
    ];

    [Fact]
    public async Task ReplicaHostStatusHasAuroraColumnsAndTypes()
    {
        _hosts = Cluster();
        var r = await ExecAsync("SELECT * FROM information_schema.replica_host_status ORDER BY SERVER_ID");
        Assert.Equal(["SERVER_ID", "SESSION_ID", "IS_CURRENT", "CPU", "LAST_UPDATE_TIMESTAMP", "REPLICA_LAG_IN_MILLISECONDS"],
            r.Columns!.Select(c => c.Name));
        Assert.Equal(["instance-0", "instance-1", "instance-2", "instance-3", "instance-4"], r.Rows.Select(row => row[0]));
        var writer = r.Rows[1];
        Assert.Equal(["instance-1", "MASTER_SESSION_ID", "1", "12.5"], writer[..4]);
        Assert.Equal(s_now.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture), writer[4]);
        Assert.Equal("7.5", r.Rows[2][5]);

        var typed = await ExecAsync("SELECT SERVER_ID, SESSION_ID, IS_CURRENT, CPU, LAST_UPDATE_TIMESTAMP, REPLICA_LAG_IN_MILLISECONDS FROM information_schema.replica_host_status");
        Assert.Equal(
            [MySqlColumnType.VarString, MySqlColumnType.VarString, MySqlColumnType.Tiny, MySqlColumnType.Double, MySqlColumnType.DateTime, MySqlColumnType.Double],
            typed.Columns!.Select(c => c.Type));
        Assert.Equal(6, typed.Columns![4].Decimals);

        // The provider is asked on every query: a change shows at once.
        _hosts = [Cluster()[0]];
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM INFORMATION_SCHEMA.REPLICA_HOST_STATUS"));
    }

    [Fact]
    public async Task ReplicaHostStatusAnswersTheAwsWrapperQueries()
    {
        _hosts = Cluster();
        // AWS JDBC / .NET wrapper AuroraMySqlDialect: topology, writer check, dialect detection, node id, reader check.
        var topology = await RowsAsync("SELECT SERVER_ID, CASE WHEN SESSION_ID = 'MASTER_SESSION_ID' THEN TRUE ELSE FALSE END, CPU, "
            + "REPLICA_LAG_IN_MILLISECONDS, LAST_UPDATE_TIMESTAMP FROM information_schema.replica_host_status "
            + "WHERE time_to_sec(timediff(now(), LAST_UPDATE_TIMESTAMP)) <= 300 OR SESSION_ID = 'MASTER_SESSION_ID'");
        Assert.Equal(
            [["instance-1", "1", "12.5", "0"], ["instance-0", "1", "1", "0"], ["instance-2", "0", "3.25", "7.5"], ["instance-4", "0", "50", "700000"]],
            topology.Select(row => row[..4]));
        Assert.Equal("instance-1", await ScalarAsync(
            "SELECT SERVER_ID FROM information_schema.replica_host_status WHERE SESSION_ID = 'MASTER_SESSION_ID' AND SERVER_ID = @@aurora_server_id"));
        Assert.Single(await RowsAsync("SHOW VARIABLES LIKE 'aurora_version'"));
        Assert.Equal("instance-1", await ScalarAsync("SELECT @@aurora_server_id"));
        Assert.Equal("0", await ScalarAsync("SELECT @@innodb_read_only"));
    }

    [Fact]
    public async Task ReplicaHostStatusAnswersProxySqlAndMaxScale()
    {
        _hosts = Cluster();
        // ProxySQL MySQL_Monitor.hpp QUERY_AWS_AURORA_REPLICA_HOST_STATUS, as the C string literals concatenate.
        const string proxySql = "SELECT SERVER_ID,IF(SESSION_ID = 'MASTER_SESSION_ID' AND SERVER_ID <> (SELECT SERVER_ID FROM "
            + "INFORMATION_SCHEMA.REPLICA_HOST_STATUS WHERE SESSION_ID = 'MASTER_SESSION_ID' ORDER BY LAST_UPDATE_TIMESTAMP DESC LIMIT 1), "
            + "'probably_former_MASTER_SESSION_ID', SESSION_ID) SESSION_ID, LAST_UPDATE_TIMESTAMP, "
            + "IF(SESSION_ID = 'MASTER_SESSION_ID', 0, REPLICA_LAG_IN_MILLISECONDS) AS REPLICA_LAG_IN_MILLISECONDS, CPU "
            + "FROM INFORMATION_SCHEMA.REPLICA_HOST_STATUS WHERE ( (REPLICA_LAG_IN_MILLISECONDS >= 0 AND REPLICA_LAG_IN_MILLISECONDS <= 600000)"
            + " OR SESSION_ID = 'MASTER_SESSION_ID' ) AND LAST_UPDATE_TIMESTAMP > NOW() - INTERVAL 180 SECOND ORDER BY SERVER_ID";
        var rows = await RowsAsync(proxySql);
        Assert.Equal(
            [
                ["instance-0", "probably_former_MASTER_SESSION_ID", "0", "1"],
                ["instance-1", "MASTER_SESSION_ID", "0", "12.5"],
                ["instance-2", "0b5f3c5e-5d1e-4c1a-9c59-8a0e1ad1b001", "7.5", "3.25"],
            ],
            rows.Select(row => new[] { row[0], row[1], row[3], row[4] }));
        // ProxySQL's Blue/Green variant reads IS_CURRENT.
        Assert.Equal(5, (await RowsAsync("SELECT SERVER_ID, SESSION_ID, LAST_UPDATE_TIMESTAMP, IS_CURRENT FROM INFORMATION_SCHEMA.REPLICA_HOST_STATUS WHERE IS_CURRENT = 1")).Count);

        // MaxScale's Aurora monitor: two identical fields on the master.
        const string maxScale = "SELECT @@aurora_server_id, server_id FROM information_schema.replica_host_status WHERE session_id = 'MASTER_SESSION_ID' ORDER BY LAST_UPDATE_TIMESTAMP DESC LIMIT 1";
        Assert.Equal([["instance-1", "instance-1"]], await RowsAsync(maxScale));
        _hosts = [new("instance-1", ReplicaHostStatus.MasterSessionId, true, 0, DateTime.UtcNow, 0), new("instance-2", "u-2", true, 0, DateTime.UtcNow, 3)];
        Assert.Equal([["instance-1", "instance-1"]],
            await RowsAsync("SELECT @@aurora_server_id, server_id FROM information_schema.replica_host_status WHERE session_id = 'MASTER_SESSION_ID'"));
    }

    [Fact]
    public async Task ReplicaHostStatusWithoutAProviderIsThisInstance()
    {
        var server = new SqlServer(Database, new SqlServerOptions { ServerId = "solo-1" });
        using var writer = server.OpenSession(new SessionInfo(50, "admin", "127.0.0.1:1", null));
        var rows = await RowsAsync("SELECT SERVER_ID, SESSION_ID, IS_CURRENT, CPU, REPLICA_LAG_IN_MILLISECONDS, "
            + "time_to_sec(timediff(now(), LAST_UPDATE_TIMESTAMP)) < 5 FROM information_schema.replica_host_status", writer);
        Assert.Equal([["solo-1", "MASTER_SESSION_ID", "1", "0", "0", "1"]], rows);

        using var reader = await ReaderAsync();
        var readerRow = await RowsAsync("SELECT SERVER_ID, SESSION_ID FROM information_schema.replica_host_status", reader);
        Assert.Equal("instance-2", readerRow.Single()[0]);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", readerRow.Single()[1]);
        Assert.Empty(await RowsAsync("SELECT @@aurora_server_id, server_id FROM information_schema.replica_host_status WHERE session_id = 'MASTER_SESSION_ID'", reader));
    }

    [Fact]
    public async Task ReplicaHostStatusProviderFailureIsAnError()
    {
        var server = new SqlServer(Database, new SqlServerOptions { ReplicaStatus = () => throw new InvalidOperationException("control plane unreachable") });
        using var session = server.OpenSession(new SessionInfo(51, "admin", "127.0.0.1:1", null));
        var ex = await ErrorAsync("SELECT * FROM information_schema.replica_host_status", session);
        Assert.Equal(MySqlErrorCode.UnknownError, ex.Code);
        Assert.Contains("control plane unreachable", ex.Message);
        Assert.Equal("1", await ScalarAsync("SELECT 1", session));
    }

    [Fact]
    public async Task AlterSystemCrashCallsTheHandlerWithTheTarget()
    {
        await OkAsync("ALTER SYSTEM CRASH");
        await OkAsync("ALTER SYSTEM CRASH INSTANCE");
        await OkAsync("alter system crash dispatcher");
        await OkAsync("ALTER SYSTEM CRASH NODE;");
        Assert.Equal([CrashTarget.Instance, CrashTarget.Instance, CrashTarget.Dispatcher, CrashTarget.Node], _crashes);

        // Allowed on a reader (Aurora accepts it on a replica's instance endpoint).
        var crashed = new List<CrashTarget>();
        var reader = new SqlServer(Database, new SqlServerOptions { ReadOnly = true, Crash = crashed.Add });
        using var session = reader.OpenSession(new SessionInfo(60, "admin", "127.0.0.1:1", null));
        await OkAsync("ALTER SYSTEM CRASH NODE", session);
        Assert.Equal([CrashTarget.Node], crashed);
    }

    [Fact]
    public async Task AlterSystemErrors()
    {
        var ex = await ErrorAsync("ALTER SYSTEM CRASH EVERYTHING");
        Assert.Equal(MySqlErrorCode.ParseError, ex.Code);
        Assert.Contains("near 'EVERYTHING' at line 1", ex.Message);
        await AssertErrorAsync(MySqlErrorCode.ParseError, "ALTER SYSTEM");
        await AssertErrorAsync(MySqlErrorCode.ParseError, "ALTER SYSTEM REBOOT");
        await AssertErrorAsync(MySqlErrorCode.ParseError, "ALTER SYSTEM SIMULATE PERCENT DISK FAILURE");
        Assert.Equal("This version of MySQL doesn't yet support 'ALTER SYSTEM SIMULATE READ REPLICA FAILURE'",
            (await ErrorAsync("ALTER SYSTEM SIMULATE 50 PERCENT READ REPLICA FAILURE TO ALL FOR INTERVAL 1 MINUTE")).Message);
        Assert.Equal("This version of MySQL doesn't yet support 'ALTER SYSTEM SIMULATE DISK FAILURE'",
            (await ErrorAsync("ALTER SYSTEM SIMULATE 25.5 PERCENT DISK FAILURE IN DISK 1 FOR INTERVAL 10 SECOND")).Message);
        var congestion = await ErrorAsync("ALTER SYSTEM SIMULATE 10 PERCENT DISK CONGESTION BETWEEN 5 AND 20 MILLISECONDS FOR INTERVAL 1 MINUTE");
        Assert.Equal(MySqlErrorCode.NotSupportedYet, congestion.Code);
        Assert.Equal("This version of MySQL doesn't yet support 'ALTER SYSTEM SIMULATE DISK CONGESTION'", congestion.Message);
        Assert.Empty(_crashes);

        var server = new SqlServer(Database, new SqlServerOptions());
        using var session = server.OpenSession(new SessionInfo(61, "admin", "127.0.0.1:1", null));
        var none = await ErrorAsync("ALTER SYSTEM CRASH", session);
        Assert.Equal(MySqlErrorCode.NotSupportedYet, none.Code);
        Assert.Equal("This version of MySQL doesn't yet support 'ALTER SYSTEM CRASH'", none.Message);
        Assert.Equal("1", await ScalarAsync("SELECT 1", session));
    }
}
