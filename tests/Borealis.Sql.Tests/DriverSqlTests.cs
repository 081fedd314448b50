using System.Text;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;
using Borealis.Testing;

namespace Borealis.Sql.Tests;

/// <summary>What drivers and ORMs send (MySqlConnector, MySql.Data, PyMySQL, mysql2, Connector/J, EF Core/Pomelo,
/// SQLAlchemy), checked in-process; the same clients run end to end in Integration.Tests/Drivers.</summary>
public sealed class DriverSqlTests : SqlTestBase
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE d; USE d");
    }

    async Task<List<string?[]>> PreparedRowsAsync(string sql, params object?[] parameters)
    {
        var statement = Session.Prepare(sql);
        var sink = new RecordingSink();
        await Session.ExecutePreparedAsync(statement, parameters, sink, TestToken);
        Session.ClosePrepared(statement);
        return sink.Last.Rows;
    }

    [Fact]
    public async Task TrueAndFalseAreValuesInInsert()
    {
        // MySqlConnector writes a bool parameter as the keyword true/false.
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, b BOOLEAN)");
        await OkAsync("INSERT INTO t (id, b) VALUES (1, true), (2, FALSE)");
        Assert.Equal([["1", "1"], ["2", "0"]], await RowsAsync("SELECT id, b FROM t ORDER BY id"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE b = true"));
    }

    [Fact]
    public async Task TimestampFunctionAndTimediff()
    {
        // MySqlConnector sends a DateTime parameter as timestamp('…'); MySql.Data asks TIMEDIFF(NOW(), UTC_TIMESTAMP()).
        Assert.Equal("2026-05-01 12:34:56.123456", await ScalarAsync("SELECT TIMESTAMP('2026-05-01 12:34:56.123456')"));
        Assert.Equal("2024-02-29 00:00:00", await ScalarAsync("SELECT TIMESTAMP('2024-02-29')"));
        Assert.Equal("24:00:01", await ScalarAsync("SELECT TIMEDIFF('2024-01-02 00:00:01', '2024-01-01 00:00:00')"));
        Assert.Equal("-00:00:01.500000", await ScalarAsync("SELECT TIMEDIFF('12:00:00', '12:00:01.5')"));
        Assert.Null(await ScalarAsync("SELECT TIMEDIFF('2024-01-01', NULL)"));
        Assert.Matches(@"^-?\d\d:\d\d:\d\d$", await ScalarAsync("SELECT TIMEDIFF(NOW(), UTC_TIMESTAMP())"));
        var r = await ExecAsync("SELECT TIMEDIFF(NOW(), UTC_TIMESTAMP()), TIMESTAMP('2024-01-01')");
        Assert.Equal(Results.MySqlColumnType.Time, r.Columns![0].Type);
        Assert.Equal(Results.MySqlColumnType.DateTime, r.Columns![1].Type);
    }

    [Fact]
    public async Task FractionalDatetimeAndTimeColumnsCompareAsTemporalValues()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME(6), d3 DATETIME(3), tm TIME)");
        await OkAsync("INSERT INTO t VALUES (1, '1000-01-01 00:00:00', '2024-01-01 10:00:00.5', '12:34:56'), (2, '2026-05-01 12:34:56.123456', NULL, '-838:59:59')");
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE dt = '1000-01-01 00:00:00'"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE dt = timestamp('1000-01-01 00:00:00.000000')"));
        Assert.Equal("2", await ScalarAsync("SELECT id FROM t WHERE dt = TIMESTAMP '2026-05-01 12:34:56.123456'"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE d3 = '2024-01-01 10:00:00.500000'"));
        Assert.Empty(await RowsAsync("SELECT id FROM t WHERE d3 = '2024-01-01 10:00:00.5001'"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE d3 < '2024-01-01 10:00:00.5001'"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE tm = time '12:34:56.000000'"));
        Assert.Equal("2", await ScalarAsync("SELECT id FROM t WHERE tm = '-838:59:59'"));
        // Parameters: a DateTime without fraction (MySqlConnector's binary DATETIME of length 7) and a TimeSpan.
        Assert.Equal("1", (await PreparedRowsAsync("SELECT id FROM t WHERE dt = ?", new DateTime(1000, 1, 1)))[0][0]);
        Assert.Equal("2", (await PreparedRowsAsync("SELECT id FROM t WHERE tm = ?", -new TimeSpan(838, 59, 59)))[0][0]);
    }

    [Fact]
    public async Task BigintUnsignedAboveSignedRangeIsRefusedNotRounded()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, u BIGINT UNSIGNED)");
        await OkAsync("INSERT INTO t VALUES (1, 9223372036854775807)");
        var ex = await ErrorAsync("INSERT INTO t VALUES (2, 18446744073709551615)");
        Assert.Equal(MySqlErrorCode.NotSupportedYet, ex.Code);
        Assert.Contains("BIGINT UNSIGNED", ex.Message, StringComparison.Ordinal);
        var prepared = Session.Prepare("INSERT INTO t VALUES (3, ?)");
        var error = await Assert.ThrowsAsync<MySqlErrorException>(async () =>
            await Session.ExecutePreparedAsync(prepared, [ulong.MaxValue], new RecordingSink(), TestToken));
        Assert.Equal(MySqlErrorCode.NotSupportedYet, error.Code);
        // Not even INSERT IGNORE turns it into another value.
        await AssertErrorAsync(MySqlErrorCode.NotSupportedYet, "INSERT IGNORE INTO t VALUES (4, 9223372036854775808)");
        Assert.Equal([["1", "9223372036854775807"]], await RowsAsync("SELECT id, u FROM t"));
    }

    [Fact]
    public async Task QueryBytesThatAreNotUtf8ReachBinaryColumnsUnchanged()
    {
        // MySqlConnector and PyMySQL put raw bytes into the query text: _binary'…' or a plain '…' literal.
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, b BLOB, vb VARBINARY(300), s VARCHAR(20))");
        var query = new List<byte>();
        query.AddRange(Encoding.UTF8.GetBytes("INSERT INTO t (id, b, vb, s) VALUES (1, _binary'"));
        query.AddRange(Escape(all));
        query.AddRange(Encoding.UTF8.GetBytes("', '"));
        query.AddRange(Escape(all));
        query.AddRange(Encoding.UTF8.GetBytes("', 'é😀')"));
        await OkAsync(QueryText.Decode([.. query]));
        var rows = await RowsAsync("SELECT HEX(b), HEX(vb), s FROM t");
        Assert.Equal(Convert.ToHexString(all), rows[0][0]);
        Assert.Equal(Convert.ToHexString(all), rows[0][1]);
        Assert.Equal("é😀", rows[0][2]);
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM t WHERE b = X'" + Convert.ToHexString(all) + "'"));
    }

    [Fact]
    public async Task DecimalLiteralsWiderThanDecimalAreStoredExactly()
    {
        // PyMySQL writes a Decimal parameter as a bare numeric literal.
        const string Big = "12345678901234567890123456789012345.123456789012345678901234567890";
        const string Tiny = "0.000000000000000000000000000001";
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(65,30))");
        await OkAsync($"INSERT INTO t VALUES (1, {Big}), (2, -{Big}), (3, {Tiny}), (4, -{Tiny})");
        Assert.Equal([[Big], ["-" + Big], [Tiny], ["-" + Tiny]], await RowsAsync("SELECT d FROM t ORDER BY id"));
        // A DECIMAL parameter with as many digits (Connector/J's BigDecimal, in the binary protocol) is exact too.
        var insert = Session.Prepare("INSERT INTO t VALUES (?, ?)");
        await Session.ExecutePreparedAsync(insert, [5L, new Syntax.ExactDecimal("-" + Big)], new RecordingSink(), TestToken);
        await Session.ExecutePreparedAsync(insert, [6L, new Syntax.ExactDecimal("1E-30")], new RecordingSink(), TestToken);
        Assert.Equal([["-" + Big], [Tiny]], await RowsAsync("SELECT d FROM t WHERE id >= 5 ORDER BY id"));
        // Elsewhere such a literal is its nearest double.
        Assert.Equal("1", await ScalarAsync($"SELECT id FROM t WHERE d > {Big[..30]}.5 - 1"));
    }

    [Fact]
    public async Task UserLevelLocksAreHeldPerConnection()
    {
        // Pomelo (EF Core) takes GET_LOCK('__EFMigrationsLock', -1) around Migrate.
        using var other = OpenSession();
        Assert.Equal("1", await ScalarAsync("SELECT GET_LOCK('Migrations', -1)"));
        Assert.Equal("1", await ScalarAsync("SELECT GET_LOCK('migrations', 0)"));
        Assert.Equal("0", await ScalarAsync("SELECT IS_FREE_LOCK('Migrations')", other));
        Assert.Equal("1", await ScalarAsync("SELECT IS_USED_LOCK('Migrations')", other));
        Assert.Equal("0", await ScalarAsync("SELECT GET_LOCK('Migrations', 0.05)", other));
        Assert.Equal("0", await ScalarAsync("SELECT RELEASE_LOCK('Migrations')", other));
        Assert.Equal("1", await ScalarAsync("SELECT RELEASE_LOCK('Migrations')"));
        Assert.Equal("0", await ScalarAsync("SELECT GET_LOCK('Migrations', 0)", other));
        Assert.Equal("1", await ScalarAsync("SELECT RELEASE_LOCK('Migrations')"));
        Assert.Null(await ScalarAsync("SELECT RELEASE_LOCK('Migrations')"));

        // A waiter gets the lock when the holder releases it; a closed connection releases what it held.
        Assert.Equal("1", await ScalarAsync("SELECT GET_LOCK('a', 0)"));
        var waiting = Task.Run(() => ScalarAsync("SELECT GET_LOCK('a', 30)", other), TestToken);
        await Eventually.AssertAsync(
            async () => (await RowsAsync("SHOW PROCESSLIST")).Any(r => r[7] == "SELECT GET_LOCK('a', 30)"), DefaultTimeout, "the waiter waits in GET_LOCK");
        Assert.False(waiting.IsCompleted);
        Assert.Equal("1", await ScalarAsync("SELECT RELEASE_LOCK('a')"));
        Assert.Equal("1", await waiting);
        Assert.Equal("2", await ScalarAsync("SELECT IS_USED_LOCK('a')"));
        other.Dispose();
        Assert.Equal("1", await ScalarAsync("SELECT IS_FREE_LOCK('a')"));
        Assert.Equal("1", await ScalarAsync("SELECT GET_LOCK('b', 0)"));
        Assert.Equal("1", await ScalarAsync("SELECT RELEASE_ALL_LOCKS()"));
        Assert.Null(await ScalarAsync("SELECT GET_LOCK(NULL, 0)"));
    }

    [Fact]
    public async Task PagingAndLockingFormsOrmsGenerate()
    {
        await OkAsync("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))");
        await OkAsync("INSERT INTO t (v) VALUES ('a'), ('b'), ('c'), ('d'), ('e')");
        // EF Core with a server-side prepared statement: LIMIT ? OFFSET ?; SQLAlchemy: LIMIT ?, ?.
        Assert.Equal([["c"], ["d"]], await PreparedRowsAsync("SELECT v FROM t ORDER BY id LIMIT ? OFFSET ?", 2L, 2L));
        Assert.Equal([["b"], ["c"], ["d"]], await PreparedRowsAsync("SELECT v FROM t ORDER BY id LIMIT ?, ?", 1L, 3L));
        // EF Core's identity fetch after an INSERT, in the same batch.
        var results = await RunAsync("INSERT INTO t (v) VALUES ('f'); SELECT id FROM t WHERE ROW_COUNT() = 1 AND id = LAST_INSERT_ID()");
        Assert.Equal("6", results[^1].Rows[0][0]);
        await OkAsync("BEGIN");
        Assert.Equal([["a"]], await RowsAsync("SELECT v FROM t WHERE id = 1 FOR UPDATE"));
        await OkAsync("COMMIT");
    }

    [Fact]
    public async Task MySqlDataForms()
    {
        // MySql.Data writes byte[] as _binary '…' (a space after the introducer) and TimeSpan as 'D hh:mm:ss.ffffff'.
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, b VARBINARY(10), tm TIME, t3 TIME(3))");
        await OkAsync("INSERT INTO t VALUES (1, _binary '', '-34 22:59:59.000000', '1 02:03:04.5670'), (2, _binary 'a\\0', '0 12:34:56.000000', '2 3')");
        Assert.Equal([["1", "", "-838:59:59", "26:03:04.567"], ["2", "6100", "12:34:56", "51:00:00.000"]],
            await RowsAsync("SELECT id, HEX(b), tm, t3 FROM t ORDER BY id"));
        Assert.Equal("1", await ScalarAsync("SELECT id FROM t WHERE b = _binary ''"));
        Assert.Equal("2", await ScalarAsync("SELECT id FROM t WHERE tm = '0 12:34:56.000000'"));
        // A TimeSpan parameter gets the column's fraction digits too.
        var insert = Session.Prepare("INSERT INTO t (id, tm, t3) VALUES (3, ?, ?)");
        await Session.ExecutePreparedAsync(insert, [new TimeSpan(0, 1, 2, 3, 456), new TimeSpan(0, 1, 2, 3, 456)], new RecordingSink(), TestToken);
        Assert.Equal([["01:02:03", "01:02:03.456"]], await RowsAsync("SELECT tm, t3 FROM t WHERE id = 3"));
    }

    [Fact]
    public void QueryTextDecodesUtf8AndKeepsOtherBytes()
    {
        var bytes = new byte[] { (byte)'a', 0xC3, 0xA9, 0xFF, 0x80, 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xB3, 0x80, 0xC3 };
        var text = QueryText.Decode(bytes);
        Assert.Equal("aé\uDCFF\uDC80😀\uDCED\uDCB3\uDC80\uDCC3", text);
        Assert.Equal(bytes, QueryText.ToBytes(text));
        Assert.Equal("plain ascii", QueryText.Decode("plain ascii"u8));
        // U+1F480 is the pair D83D DC80: its second half is not an escaped byte.
        Assert.False(QueryText.HasRawBytes("💀"));
        Assert.Equal(Encoding.UTF8.GetBytes("💀"), QueryText.ToBytes("💀\u0000")[..4]);
    }

    static IEnumerable<byte> Escape(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            switch (b)
            {
                case 0:
                    yield return (byte)'\\';
                    yield return (byte)'0';
                    break;
                case (byte)'\'' or (byte)'\\':
                    yield return (byte)'\\';
                    yield return b;
                    break;
                default:
                    yield return b;
                    break;
            }
        }
    }
}
