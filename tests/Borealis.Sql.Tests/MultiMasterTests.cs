using Borealis.Engine;
using Borealis.Sql.Errors;
using Borealis.Testing;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;

namespace Borealis.Sql.Tests;

/// <summary>
/// The SQL layer of several writers on one volume (multi-master, in one process): MySQL's 1213 for a transaction
/// that lost a page conflict, autocommit statements retried unseen, DDL of one writer usable on the others at once,
/// AUTO_INCREMENT values that never collide, and the session consistency level.
/// </summary>
public sealed class MultiMasterTests : BorealisTest, IAsyncLifetime
{
    readonly InMemoryVolume _volume = new();
    SharedVolume _shared = null!;
    readonly List<(Database Database, SqlServer Server)> _writers = [];
    readonly List<ISqlSession> _sessions = [];
    uint _nextConnection = 1;

    public ValueTask InitializeAsync()
    {
        _shared = new SharedVolume(_volume);
        for (int i = 1; i <= 4; i++)
        {
            var database = Database.Open(_shared.Connect());
            _writers.Add((database, new SqlServer(database, new SqlServerOptions { ServerId = $"writer-{i}", Hostname = $"host-{i}" })));
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
            session.Dispose();
        foreach (var (database, _) in _writers)
        {
            await database.DisposeAsync();
            await database.Volume.DisposeAsync();
        }
        await _shared.DisposeAsync();
    }

    ISqlSession Open(int writer, string? database = null)
    {
        var session = _writers[writer].Server.OpenSession(new SessionInfo(_nextConnection++, "admin", "127.0.0.1:5000", database));
        _sessions.Add(session);
        return session;
    }

    static async Task<SqlResult> ExecAsync(ISqlSession session, string sql)
    {
        var sink = new RecordingSink();
        await session.ExecuteAsync(sql, allowMultipleStatements: true, sink, TestToken);
        return sink.Results[^1];
    }

    static async Task<string?> ScalarAsync(ISqlSession session, string sql) => (await ExecAsync(session, sql)).Rows.Single()[0];

    static async Task<MySqlErrorException> ErrorAsync(ISqlSession session, string sql)
    {
        var ex = await Assert.ThrowsAsync<MySqlErrorException>(() => ExecAsync(session, sql));
        return ex;
    }

    Task CaughtUpAsync() => Eventually.AssertAsync(
        () => _writers.All(w => w.Database.CommittedLsn == _volume.AppendedLsn), because: "every writer applies every commit");

    [Fact]
    public async Task EachWriterIsItselfAndUsesTheOthersDdlAtItsNextStatement()
    {
        var one = Open(0);
        var two = Open(1);
        Assert.Equal("writer-1", await ScalarAsync(one, "SELECT @@aurora_server_id"));
        Assert.Equal("writer-2", await ScalarAsync(two, "SELECT @@aurora_server_id"));
        Assert.Equal("0", await ScalarAsync(two, "SELECT @@innodb_read_only"));

        await ExecAsync(one, "CREATE DATABASE shop");
        await ExecAsync(one, "CREATE TABLE shop.item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        // Straight away on writer 2: the write catches up first, and the catalog follows.
        await ExecAsync(two, "INSERT INTO shop.item (name) VALUES ('made on two')");
        await ExecAsync(one, "ALTER TABLE shop.item ADD COLUMN price INT NOT NULL DEFAULT 5");
        await ExecAsync(two, "UPDATE shop.item SET price = price + 1");
        await ExecAsync(two, "SET SESSION aurora_mm_session_consistency_level = 'REGIONAL_RAW'");
        Assert.Equal("REGIONAL_RAW", await ScalarAsync(two, "SELECT @@aurora_mm_session_consistency_level"));
        await ExecAsync(one, "INSERT INTO shop.item (name) VALUES ('made on one')");
        // REGIONAL_RAW: a read on writer 2 waits for what writer 1 committed.
        Assert.Equal("made on two:6,made on one:5", await ScalarAsync(two, "SELECT GROUP_CONCAT(name, ':', price ORDER BY id) FROM shop.item"));
        var bad = await ErrorAsync(two, "SET SESSION aurora_mm_session_consistency_level = 'EVENTUAL'");
        Assert.Equal(MySqlErrorCode.WrongValueForVar, bad.Code);
    }

    [Fact]
    public async Task ATransactionThatLosesAPageConflictGets1213AndLeavesNothing()
    {
        var one = Open(0);
        var two = Open(1);
        await ExecAsync(one, "CREATE DATABASE bank");
        await ExecAsync(one, "CREATE TABLE bank.account (id INT PRIMARY KEY, balance INT NOT NULL)");
        await ExecAsync(one, "INSERT INTO bank.account VALUES (1, 100), (2, 100), (3, 100)");
        await CaughtUpAsync();

        await ExecAsync(one, "BEGIN");
        await ExecAsync(one, "UPDATE bank.account SET balance = balance - 10 WHERE id = 1");
        await ExecAsync(two, "BEGIN");
        await ExecAsync(two, "UPDATE bank.account SET balance = balance - 20 WHERE id = 2");
        await ExecAsync(two, "UPDATE bank.account SET balance = balance + 20 WHERE id = 3");
        await ExecAsync(one, "UPDATE bank.account SET balance = balance + 10 WHERE id = 2");
        await ExecAsync(one, "COMMIT");
        var ex = await ErrorAsync(two, "COMMIT");
        Assert.Equal(MySqlErrorCode.LockDeadlock, ex.Code);
        Assert.Equal("Deadlock found when trying to get lock; try restarting transaction", ex.Message);

        // Nothing of two's transaction is left (once writer 2 has applied writer 1's commit: reads are INSTANCE_RAW),
        // and a retry succeeds.
        await CaughtUpAsync();
        Assert.Equal("90,110,100", await ScalarAsync(two, "SELECT GROUP_CONCAT(balance ORDER BY id) FROM bank.account"));
        await ExecAsync(two, "BEGIN");
        await ExecAsync(two, "UPDATE bank.account SET balance = balance - 20 WHERE id = 2");
        await ExecAsync(two, "UPDATE bank.account SET balance = balance + 20 WHERE id = 3");
        await ExecAsync(two, "COMMIT");
        await CaughtUpAsync();
        Assert.Equal("90,90,120", await ScalarAsync(one, "SELECT GROUP_CONCAT(balance ORDER BY id) FROM bank.account"));
    }

    [Fact]
    public async Task FourWritersInsertingAtOnceGetNoErrorAndAutoIncrementValuesNeverCollide()
    {
        var setup = Open(0);
        await ExecAsync(setup, "CREATE DATABASE load");
        for (int t = 0; t < 4; t++)
            await ExecAsync(setup, $"CREATE TABLE load.t{t} (id INT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, payload VARCHAR(60))");
        await ExecAsync(setup, "CREATE TABLE load.shared (id INT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL)");
        await CaughtUpAsync();

        const int rows = 150;
        long hotConflicts = 0;
        var sessions = Enumerable.Range(0, 4).Select(w => Open(w, "load")).ToArray();
        await Task.WhenAll(sessions.Select((session, w) => Task.Run(async () =>
        {
            for (int i = 0; i < rows; i++)
            {
                // Own table: the only page conflicts are two writers growing the file at once, retried unseen: no error.
                await ExecAsync(session, $"INSERT INTO t{w} (writer, payload) VALUES ({w}, REPEAT('x', 50))");
                // One hot page for all four writers: real conflicts; a client may see 1213 and retries, as with InnoDB.
                while (true)
                {
                    try
                    {
                        await ExecAsync(session, $"INSERT INTO shared (writer) VALUES ({w})");
                        break;
                    }
                    catch (MySqlErrorException ex) when (ex.Code == MySqlErrorCode.LockDeadlock)
                    {
                        Interlocked.Increment(ref hotConflicts);
                    }
                }
            }
        }, TestToken)));

        await CaughtUpAsync();
        TestContext.Current.SendDiagnosticMessage($"page conflicts: {_shared.Conflicts}, retried unseen: {_writers.Sum(w => w.Server.ConflictRetries)}, 1213 on the hot table: {hotConflicts}");
        foreach (var w in Enumerable.Range(0, 4))
        {
            var session = sessions[w];
            for (int t = 0; t < 4; t++)
                Assert.Equal($"{rows},{rows},{rows * (rows + 1) / 2}", await ScalarAsync(session, $"SELECT CONCAT(COUNT(*), ',', COUNT(DISTINCT id), ',', SUM(id)) FROM t{t}"));
            Assert.Equal($"{4 * rows},{4 * rows}", await ScalarAsync(session, "SELECT CONCAT(COUNT(*), ',', COUNT(DISTINCT id)) FROM shared"));
            Assert.Equal(rows.ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync(session, $"SELECT COUNT(*) FROM shared WHERE writer = {w}"));
        }
        Assert.Equal(_shared.Conflicts, _writers.Sum(w => w.Server.ConflictRetries) + Interlocked.Read(ref hotConflicts));
    }
}

public sealed class MultiMasterStartupTests : BorealisTest
{
    [Fact]
    public async Task WritersStartingAtOnceShareOneCatalog()
    {
        for (int round = 0; round < 20; round++)
        {
            var volume = new InMemoryVolume();
            var shared = new SharedVolume(volume);
            var databases = Enumerable.Range(0, 3).Select(_ => Database.Open(shared.Connect())).ToArray();
            var servers = await Task.WhenAll(databases.Select((d, i) => Task.Run(() => new SqlServer(d, new SqlServerOptions { ServerId = $"writer-{i + 1}" }), TestToken)));
            Assert.Equal(3, servers.Length);
            foreach (var d in databases)
            {
                await d.DisposeAsync();
                await d.Volume.DisposeAsync();
            }
            await shared.DisposeAsync();
        }
    }
}
