using Borealis.MySql.Tests.Fakes;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.MySql.Tests;

public sealed class MySqlServerQueryTests : BorealisTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TextAndBinaryResultsCarryTypedValues(bool prepared)
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        await using var command = new MySqlCommand("SELECT TYPED", connection);
        if (prepared)
            await command.PrepareAsync(TestToken);
        await using var reader = await command.ExecuteReaderAsync(TestToken);
        for (var row = 0; row < 2; row++)
        {
            Assert.True(await reader.ReadAsync(TestToken));
            Assert.Equal(-42, reader.GetInt32(0));
            Assert.Equal(ulong.MaxValue, reader.GetUInt64(1));
            Assert.Equal(3.25, reader.GetDouble(2));
            Assert.Equal(12345.67m, reader.GetDecimal(3));
            Assert.Equal("héllo wörld", reader.GetString(4));
            Assert.Equal(new DateTime(2024, 2, 29), reader.GetDateTime(5));
            Assert.Equal(new DateTime(2024, 2, 29, 13, 14, 15).AddTicks(1234560), reader.GetDateTime(6));
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, (byte[])reader.GetValue(7));
            Assert.True(await reader.IsDBNullAsync(8, TestToken));
            Assert.Equal(-new TimeSpan(0, 1, 2, 3, 500), reader.GetTimeSpan(9));
            Assert.Equal(1.5f, reader.GetFloat(10));
            Assert.Equal((sbyte)7, reader.GetSByte(11));
            Assert.Equal((short)-300, reader.GetInt16(12));
            Assert.Equal(long.MinValue, reader.GetInt64(13));
        }
        Assert.False(await reader.ReadAsync(TestToken));
        Assert.Equal("ts", reader.GetName(6));
        Assert.Equal(typeof(ulong), reader.GetFieldType(1));
    }

    [Fact]
    public async Task PreparedStatementParametersOfEachTypeReachTheSession()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        await using var command = new MySqlCommand("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", connection);
        var when = new DateTime(2024, 2, 29, 13, 14, 15).AddTicks(1234560);
        object?[] values = [42, ulong.MaxValue, 2.5, 123.45m, "héllo", when, new DateTime(2024, 3, 1), new TimeSpan(-1, -2, -3, -4, -500), new byte[] { 1, 0, 255 }, null, 1.25f, (sbyte)-5];
        foreach (var value in values)
            command.Parameters.AddWithValue("", value ?? DBNull.Value);
        await command.PrepareAsync(TestToken);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestToken));
        Assert.Equal(42, command.LastInsertedId);

        // A second execute reuses the bound types (new-params-bound = 0) or rebinds them; either must decode.
        command.Parameters[0].Value = -7;
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestToken));

        var executions = server.State.Executions.ToArray();
        Assert.Equal(2, executions.Length);
        var p = executions[0].Parameters;
        Assert.Equal(42L, p[0]);
        Assert.Equal(ulong.MaxValue, p[1]);
        Assert.Equal(2.5, p[2]);
        Assert.Equal(123.45m, p[3]);
        Assert.Equal("héllo", p[4]);
        Assert.Equal(when, p[5]);
        Assert.Equal(new DateTime(2024, 3, 1), p[6]);
        Assert.Equal(new TimeSpan(-1, -2, -3, -4, -500), p[7]);
        Assert.Equal(new byte[] { 1, 0, 255 }, p[8]);
        Assert.Null(p[9]);
        Assert.Equal(1.25f, p[10]);
        Assert.Equal(-5L, p[11]);
        Assert.Equal(-7L, executions[1].Parameters[0]);
    }

    [Fact]
    public async Task RawPrepareExecuteCloseFollowTheBinaryProtocol()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        // COM_STMT_PREPARE: PREPARE_OK, one column definition, no EOF (CLIENT_DEPRECATE_EOF).
        await raw.SendAsync([0x16, .. "SELECT 1"u8], 0, TestToken);
        var ok = (await raw.ReadPacketAsync(TestToken))!;
        Assert.Equal(0x00, ok[0]);
        var id = BitConverter.ToUInt32(ok, 1);
        Assert.Equal(1, BitConverter.ToUInt16(ok, 5));
        Assert.Equal(0, BitConverter.ToUInt16(ok, 7));
        var column = (await raw.ReadPacketAsync(TestToken))!;
        Assert.Equal(0x08, column[^6]); // MYSQL_TYPE_LONGLONG

        // COM_STMT_EXECUTE: column count, definition, binary row 00 | bitmap | int64 1, OK(0xFE).
        byte[] execute = [0x17, .. BitConverter.GetBytes(id), 0, 1, 0, 0, 0];
        var reply = await raw.CommandUntilEndAsync(execute, TestToken);
        Assert.Equal(4, reply.Count);
        Assert.Equal(new byte[] { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, reply[2]);

        // COM_STMT_CLOSE has no reply; the next execute of that id is 1243.
        await raw.SendAsync([0x19, .. BitConverter.GetBytes(id)], 0, TestToken);
        var error = await raw.CommandAsync(execute, TestToken);
        Assert.Equal(1243, RawClient.ErrorCode(error));
        Assert.Equal(1, server.State.ClosedStatements);
    }

    [Fact]
    public async Task PreparingBeyondMaxPreparedStatementsIsError1461()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxPreparedStatements = 2 });
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        for (var i = 0; i < 2; i++)
            Assert.Equal(0x00, (await raw.CommandAsync([0x16, .. "INSERT INTO t VALUES (1)"u8], TestToken))[0]);
        var error = await raw.CommandAsync([0x16, .. "INSERT INTO t VALUES (1)"u8], TestToken);
        Assert.Equal(1461, RawClient.ErrorCode(error));
        Assert.Equal(0x00, (await raw.CommandAsync([0x0e], TestToken))[0]);
    }

    [Fact]
    public async Task ClientsWithoutDeprecateEofGetEofPackets()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken, RawClient.Capabilities & ~0x1000000u);
        // Text result set: count, 2 definitions, EOF, 2 rows, EOF (warnings, status).
        var packets = await raw.CommandUntilEndAsync([0x03, .. "SELECT ROWS 2"u8], TestToken);
        Assert.Equal(4, packets.Count);
        Assert.Equal(new byte[] { 0xfe, 0, 0, 2, 0 }, packets[3]);
        var rest = new List<byte[]>();
        while (rest.Count == 0 || rest[^1][0] != 0xfe)
            rest.Add((await raw.ReadPacketAsync(TestToken))!);
        Assert.Equal(3, rest.Count);
        Assert.Equal([1, (byte)'0', 5, .. "row 0"u8], rest[0]);
        Assert.Equal(new byte[] { 0xfe, 0, 0, 2, 0 }, rest[2]);

        // COM_STMT_PREPARE: OK, parameter definitions, EOF, column definitions, EOF.
        await raw.SendAsync([0x16, .. "SELECT ECHO ?"u8], 0, TestToken);
        var prepare = new List<byte[]>();
        for (var i = 0; i < 5; i++)
            prepare.Add((await raw.ReadPacketAsync(TestToken))!);
        Assert.Equal(0xfe, prepare[2][0]);
        Assert.Equal(0xfe, prepare[4][0]);
        Assert.Equal(0x00, (await raw.CommandAsync([0x0e], TestToken))[0]);
    }

    [Fact]
    public async Task SendLongDataIsAppendedToTheParameter()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var id = await raw.PrepareAsync("SELECT ECHO ?, ?", TestToken);
        await raw.SendAsync([0x18, .. id, 0, 0, .. "hello "u8], 0, TestToken);
        await raw.SendAsync([0x18, .. id, 0, 0, .. "world"u8], 0, TestToken);
        // Parameter 0: VAR_STRING from long data; parameter 1: LONGLONG 5.
        byte[] execute = [0x17, .. id, 0, 1, 0, 0, 0, 0x00, 1, 0xfd, 0, 0x08, 0, 5, 0, 0, 0, 0, 0, 0, 0];
        var reply = await raw.CommandUntilEndAsync(execute, TestToken);
        Assert.NotEqual(0xff, reply[^1][0]);
        var (sql, parameters) = Assert.Single(server.State.Executions);
        Assert.Equal("SELECT ECHO ?, ?", sql);
        Assert.Equal("hello world", parameters[0]);
        Assert.Equal(5L, parameters[1]);

        // Executing again without new types reuses the bound ones; the long data was consumed.
        byte[] again = [0x17, .. id, 0, 1, 0, 0, 0, 0x00, 0, 3, .. "abc"u8, 6, 0, 0, 0, 0, 0, 0, 0];
        await raw.CommandUntilEndAsync(again, TestToken);
        Assert.Equal(["abc", 6L], server.State.Executions.Last().Parameters);
    }

    [Fact]
    public async Task MultiStatementsReturnEveryResultAndStopAtTheFirstError()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        await using (var command = new MySqlCommand("SELECT 1; INSERT INTO t VALUES (1); SELECT ROWS 3", connection))
        await using (var reader = await command.ExecuteReaderAsync(TestToken))
        {
            Assert.True(await reader.ReadAsync(TestToken));
            Assert.Equal(1L, reader.GetInt64(0));
            // MySqlConnector steps over the INSERT's OK to the next result set.
            Assert.True(await reader.NextResultAsync(TestToken));
            Assert.Equal(1, reader.RecordsAffected);
            var names = new List<string>();
            while (await reader.ReadAsync(TestToken))
                names.Add(reader.GetString(1));
            Assert.Equal(["row 0", "row 1", "row 2"], names);
            Assert.False(await reader.NextResultAsync(TestToken));
        }

        await using (var failing = new MySqlCommand("SELECT 1; FAIL; SELECT 1", connection))
        await using (var reader = await failing.ExecuteReaderAsync(TestToken))
        {
            Assert.True(await reader.ReadAsync(TestToken));
            var ex = await Assert.ThrowsAsync<MySqlException>(() => reader.NextResultAsync(TestToken));
            Assert.Equal(MySqlErrorCode.DuplicateKeyEntry, ex.ErrorCode);
        }
        await AssertUsableAsync(connection);
    }

    [Fact]
    public async Task ErrorsKeepTheConnectionUsable()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();

        await using (var command = new MySqlCommand("FAIL", connection))
        {
            var ex = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync(TestToken));
            Assert.Equal(1062, ex.Number);
            Assert.Equal("23000", ex.SqlState);
            Assert.Equal("Duplicate entry '1' for key 'PRIMARY'", ex.Message);
        }
        await AssertUsableAsync(connection);

        await using (var command = new MySqlCommand("CRASH", connection))
        {
            var ex = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync(TestToken));
            Assert.Equal(1105, ex.Number);
            Assert.Equal("boom", ex.Message);
        }
        await AssertUsableAsync(connection);
        Assert.Contains(server.Logger.Entries, e => e.Id.Id == EventIds.SessionFault && e.Exception is InvalidOperationException);

        await using (var command = new MySqlCommand("SELECT FAILROW", connection))
        await using (var reader = await command.ExecuteReaderAsync(TestToken))
        {
            Assert.True(await reader.ReadAsync(TestToken));
            var ex = await Assert.ThrowsAsync<MySqlException>(() => reader.ReadAsync(TestToken));
            Assert.Equal(1264, ex.Number);
        }
        await AssertUsableAsync(connection);

        await using (var command = new MySqlCommand("NOT SQL", connection))
        {
            var ex = await Assert.ThrowsAsync<MySqlException>(() => command.PrepareAsync(TestToken));
            Assert.Equal(1064, ex.Number);
        }
        await AssertUsableAsync(connection);
    }

    [Fact]
    public async Task PacketsOver16MiBTravelBothWays()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        const int Size = (16 * 1024 * 1024) + 1000;

        var sql = "SELECT LENGTH_OF '" + new string('x', Size) + "'";
        await using (var command = new MySqlCommand(sql, connection))
            Assert.Equal((long)sql.Length, await command.ExecuteScalarAsync(TestToken));

        await using (var command = new MySqlCommand($"SELECT BIG {Size}", connection))
        {
            var blob = (byte[])(await command.ExecuteScalarAsync(TestToken))!;
            Assert.Equal(Size, blob.Length);
            for (var i = 0; i < blob.Length; i += 4099)
                Assert.Equal((byte)(i * 7), blob[i]);
            Assert.Equal(unchecked((byte)((Size - 1) * 7)), blob[^1]);
        }

        // A row payload of exactly 0xFFFFFF bytes (4-byte length prefix + blob) must be followed by an empty packet.
        // (The other direction is covered by PacketFramingTests: MySqlConnector itself omits that empty packet.)
        await using (var command = new MySqlCommand($"SELECT BIG {0xffffff - 4}", connection))
            Assert.Equal(0xffffff - 4, ((byte[])(await command.ExecuteScalarAsync(TestToken))!).Length);
        await AssertUsableAsync(connection);
    }

    [Fact]
    public async Task APacketOverMaxAllowedPacketIsError1153AndClosesOnlyThatConnection()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxAllowedPacket = 4096 });
        await using var other = await server.OpenAsync();
        await using var connection = await server.OpenAsync();
        await using (var command = new MySqlCommand("SELECT LENGTH_OF '" + new string('x', 5000) + "'", connection))
        {
            var ex = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteScalarAsync(TestToken));
            Assert.Equal(1153, ex.Number);
        }
        await AssertUsableAsync(other);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 1);
    }

    [Fact]
    public async Task ManyConcurrentConnectionsAreServedIndependently()
    {
        await using var server = await TestServer.StartAsync();
        const int Connections = 64;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(async i =>
        {
            await using var connection = await server.OpenAsync(i % 2 == 0 ? "native" : "sha2");
            await using var command = new MySqlCommand("SELECT ROWS 20", connection);
            if (i % 3 == 0)
                await command.PrepareAsync(TestToken);
            for (var round = 0; round < 20; round++)
            {
                await using var reader = await command.ExecuteReaderAsync(TestToken);
                var count = 0;
                while (await reader.ReadAsync(TestToken))
                    Assert.Equal(count++, reader.GetInt64(0));
                Assert.Equal(20, count);
            }
        }));
        Assert.Equal(Connections, server.Server.ConnectionsTotal);
        Assert.True(server.Server.CommandsTotal >= Connections * 20);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 0 && server.State.Disposed == Connections);
    }

    [Fact]
    public async Task PingResetAndInitDbWork()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        Assert.True(await connection.PingAsync(TestToken));
        await connection.ChangeDatabaseAsync("demo", TestToken);
        Assert.Equal("demo", connection.Database);
        var ex = await Assert.ThrowsAsync<MySqlException>(() => connection.ChangeDatabaseAsync("nosuch", TestToken));
        Assert.Equal(1049, ex.Number);
        await connection.ResetConnectionAsync(TestToken);
        Assert.Equal(1, server.State.Resets);
        await AssertUsableAsync(connection);
    }

    [Fact]
    public async Task PooledConnectionsAreResetOnReuseAndSessionsDisposedOnClose()
    {
        await using var server = await TestServer.StartAsync();
        var connectionString = server.ConnectionString().Replace("Pooling=false", "Pooling=true;ConnectionReset=true", StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync(TestToken);
            await AssertUsableAsync(connection);
        }
        Assert.Single(server.State.Sessions);
        Assert.True(server.State.Resets >= 2, $"resets: {server.State.Resets}");
        await MySqlConnection.ClearAllPoolsAsync(TestToken);
        await Eventually.AssertAsync(() => server.State.Disposed == 1);
    }

    [Fact]
    public async Task KillClosesAnotherConnectionAndUnknownIdsAreError1094()
    {
        await using var server = await TestServer.StartAsync();
        await using var victim = await server.OpenAsync();
        await using var killer = await server.OpenAsync();
        // The fake session does not know KILL; COM_PROCESS_KILL is sent by a raw client.
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var reply = await raw.CommandAsync([0x0c, .. BitConverter.GetBytes((uint)victim.ServerThread)], TestToken);
        Assert.Equal(0x00, reply[0]);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 2);
        reply = await raw.CommandAsync([0x0c, .. BitConverter.GetBytes(999_999u)], TestToken);
        Assert.Equal(1094, RawClient.ErrorCode(reply));
        await AssertUsableAsync(killer);
    }

    [Fact]
    public async Task ChangeUserReplacesTheSessionAndAFailedOneCloses()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var scramble = RawClient.ScrambleOf(raw.Greeting);
        var auth = Borealis.MySql.Auth.CachingSha2Password.Scramble(TestServer.Password, scramble);
        byte[] changeUser = [0x11, .. "sha2"u8, 0, (byte)auth.Length, .. auth, .. "demo"u8, 0, 255, 0, .. "caching_sha2_password"u8, 0];
        await raw.SendAsync(changeUser, 0, TestToken);
        Assert.Equal(new byte[] { 0x01, 0x03 }, await raw.ReadPacketAsync(TestToken));
        Assert.Equal(0x00, (await raw.ReadPacketAsync(TestToken))![0]);
        await Eventually.AssertAsync(() => server.State.Disposed == 1, because: "the first session is disposed");
        var second = server.State.Sessions.Last();
        Assert.Equal(("sha2", "demo"), (second.User, second.Database));
        Assert.Equal(0x00, (await raw.CommandAsync([0x0e], TestToken))[0]);

        byte[] wrong = [0x11, .. "native"u8, 0, 20, .. new byte[20], 0, 255, 0, .. "mysql_native_password"u8, 0];
        await raw.SendAsync(wrong, 0, TestToken);
        var packets = await raw.ReadUntilClosedAsync(DefaultTimeout, TestToken);
        Assert.Equal(1045, RawClient.ErrorCode(Assert.Single(packets)));
        await Eventually.AssertAsync(() => server.State.Disposed == 2);
    }

    [Fact]
    public async Task ProcessListShowsEachConnectionAndWhatItRuns()
    {
        await using var server = await TestServer.StartAsync();
        await using var idle = await server.OpenAsync(extra: "Database=demo");
        await using var busy = await server.OpenAsync("sha2");
        using var handshaking = await RawClient.OpenAsync(server.Port, TestToken);
        await handshaking.ReadGreetingAsync(TestToken);

        await using var command = new MySqlCommand("SELECT WAIT", busy);
        var running = command.ExecuteScalarAsync(TestToken);
        await Eventually.AssertAsync(() => server.Server.GetProcessList().Any(p => p.Command == "Query"));
        var list = server.Server.GetProcessList();
        Assert.Equal(3, list.Count);
        Assert.Equal(("native", "demo", "Sleep", (string?)null), (list[0].User, list[0].Database, list[0].Command, list[0].Info));
        Assert.Equal(("sha2", "Query", "SELECT WAIT"), (list[1].User, list[1].Command, list[1].Info));
        Assert.Equal(("unauthenticated user", "Connect"), (list[2].User, list[2].Command));
        Assert.Equal((uint)idle.ServerThread, list[0].Id);
        Assert.StartsWith("127.0.0.1:", list[0].Host, StringComparison.Ordinal);

        server.State.Gate.SetResult();
        Assert.Equal(1L, await running);
        Assert.True(server.Server.Kill(list[0].Id));
        Assert.False(server.Server.Kill(999_999));
        await Eventually.AssertAsync(() => server.Server.GetProcessList().Count == 2);
    }

    [Fact]
    public async Task UnknownCommandIsError1047AndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var reply = await raw.CommandAsync([0x1d], TestToken);
        Assert.Equal(1047, RawClient.ErrorCode(reply));
        Assert.Equal("Unknown command", RawClient.ErrorMessage(reply));
        reply = await raw.CommandAsync([0x0e], TestToken);
        Assert.Equal(0x00, reply[0]);
    }

    [Fact]
    public async Task FieldListStatisticsAndSetOptionAnswer()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var columns = await raw.CommandUntilEndAsync([0x04, .. "t"u8, 0], TestToken);
        Assert.Equal(4, columns.Count);
        Assert.Equal(0xfe, columns[^1][0]);
        var missing = await raw.CommandAsync([0x04, .. "missing"u8, 0], TestToken);
        Assert.Equal(1146, RawClient.ErrorCode(missing));

        var statistics = await raw.CommandAsync([0x09], TestToken);
        Assert.StartsWith("Uptime: ", System.Text.Encoding.ASCII.GetString(statistics), StringComparison.Ordinal);

        var option = await raw.CommandAsync([0x1b, 1, 0], TestToken);
        Assert.Equal(0xfe, option[0]);
        var multi = await raw.CommandAsync([0x03, .. "SELECT 1; SELECT 1"u8], TestToken);
        Assert.Equal(1064, RawClient.ErrorCode(multi));
    }

    static async Task AssertUsableAsync(MySqlConnection connection)
    {
        await using var command = new MySqlCommand("SELECT 1", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
    }
}
