using System.Text;
using Borealis.MySql.Tests.Fakes;
using Borealis.Testing;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Borealis.MySql.Tests;

/// <summary>Broken, hostile and random input: each gets an ERR or a closed connection, and never disturbs other sessions.</summary>
public sealed class MySqlServerBadInputTests : BorealisTest
{
    static readonly TimeSpan s_shortRead = TimeSpan.FromMilliseconds(200);

    static readonly byte[] s_commands = [0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0e, 0x11, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0xff];

    [Fact]
    public async Task OutOfOrderSequenceIdIsError1156ThenClose()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        await raw.SendAsync([0x0e], 7, TestToken);
        var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
        Assert.Equal(1156, RawClient.ErrorCode(Assert.Single(packets)));
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 0);
    }

    [Fact]
    public async Task MalformedCommandIsError1835ThenClose()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        var id = await raw.PrepareAsync("SELECT ECHO ?", TestToken);
        // COM_STMT_EXECUTE that stops inside its parameter block.
        await raw.SendAsync([0x17, .. id, 0, 1, 0, 0, 0, 0x00, 1, 0x08], 0, TestToken);
        var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
        Assert.Equal(1835, RawClient.ErrorCode(Assert.Single(packets)));
    }

    [Fact]
    public async Task OversizedLengthHeaderIsError1153ThenClose()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxAllowedPacket = 1 << 20 });
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        await raw.SendRawAsync([0xff, 0xff, 0xff, 0x00, 0x03, .. "SELECT"u8], TestToken);
        var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
        Assert.Equal(1153, RawClient.ErrorCode(Assert.Single(packets)));
    }

    [Fact]
    public async Task MalformedHandshakeResponseIsError1043()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = await RawClient.OpenAsync(server.Port, TestToken);
        await raw.ReadGreetingAsync(TestToken);
        await raw.SendAsync([0x00, 0x02, 0, 0, 1, 2, 3], 1, TestToken);
        var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
        Assert.Equal(1043, RawClient.ErrorCode(Assert.Single(packets)));
    }

    [Fact]
    public async Task ClientStalledInsideAPacketGetsError1159ThenClose()
    {
        await using var server = await TestServer.StartAsync(o => o with { NetReadTimeout = TimeSpan.FromMilliseconds(300) });
        using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
        await raw.SendRawAsync([50, 0, 0, 0, 0x03, .. "SELECT"u8], TestToken);
        var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
        Assert.Equal(1159, RawClient.ErrorCode(Assert.Single(packets)));
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 0);
    }

    [Fact]
    public async Task ConnectionsOverMaxConnectionsGetError1040()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 1 });
        await using var first = await server.OpenAsync();
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync());
        Assert.Equal(1040, ex.Number);
        Assert.Equal("Too many connections", ex.Message);
        await using var command = new MySqlCommand("SELECT 1", first);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
    }

    [Fact]
    public async Task SilentClientIsDroppedAfterTheConnectTimeout()
    {
        await using var server = await TestServer.StartAsync(o => o with { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        using var raw = await RawClient.OpenAsync(server.Port, TestToken);
        await raw.ReadGreetingAsync(TestToken);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 0);
    }

    [Fact]
    public async Task ClientDisconnectingMidResultLeaksNothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await server.OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
            await raw.SendAsync([0x03, .. "SELECT ROWS 300000"u8], 0, TestToken);
            Assert.NotNull(await raw.ReadPacketAsync(TestToken));
        }
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 1);
        Assert.Equal(server.State.Sessions.Count - 1, server.State.Disposed);
        await using var command = new MySqlCommand("SELECT 1", bystander);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
        Assert.DoesNotContain(server.Logger.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task RandomAndMutatedInputNeverCrashesHangsOrDisturbsOtherSessions()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var server = await TestServer.StartAsync(o => o with { MaxAllowedPacket = 1 << 20, ConnectTimeout = TimeSpan.FromSeconds(2) });
        await using var bystander = await server.OpenAsync();
        const int Rounds = 30;
        const int Parallel = 8;
        for (var round = 0; round < Rounds; round++)
        {
            var scenarios = Enumerable.Range(0, Parallel).Select(_ => (Kind: random.Next(11), Seed: random.Next())).ToArray();
            try
            {
                await Task.WhenAll(scenarios.Select(s => RunScenarioAsync(server, s.Kind, new Random(s.Seed))));
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, round {round}, scenarios {string.Join(",", scenarios.Select(s => s.Kind))}: {ex}");
            }
            await AssertAnswersAsync(bystander, seed);
        }

        await using (var fresh = await server.OpenAsync())
            await AssertAnswersAsync(fresh, seed);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 1, because: $"seed {seed}: only the bystander stays open");
        await Eventually.AssertAsync(() => server.State.Disposed == server.State.Sessions.Count - 1, because: $"seed {seed}: every other session is disposed");
        var faults = server.Logger.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.True(faults.Count == 0, $"seed {seed}: unexpected faults:\n{string.Join("\n", faults.Select(f => f.Message + " " + f.Exception))}");
    }

    static async Task AssertAnswersAsync(MySqlConnection connection, int seed)
    {
        await using var command = new MySqlCommand("SELECT TYPED", connection);
        await using var reader = await command.ExecuteReaderAsync(TestToken);
        Assert.True(await reader.ReadAsync(TestToken), $"seed {seed}");
        Assert.Equal(-42, reader.GetInt32(0));
        Assert.Equal("héllo wörld", reader.GetString(4));
    }

    static async Task RunScenarioAsync(TestServer server, int kind, Random random)
    {
        switch (kind)
        {
            case 0:
                {
                    // Random bytes instead of a handshake response.
                    using var raw = await RawClient.OpenAsync(server.Port, TestToken);
                    await raw.ReadGreetingAsync(TestToken);
                    await raw.SendRawAsync(RandomBytes(random, 1, 400), TestToken);
                    await raw.ReadUntilClosedAsync(s_shortRead, TestToken);
                    break;
                }
            case 1:
                {
                    // Random bytes before even reading the greeting.
                    using var raw = await RawClient.OpenAsync(server.Port, TestToken);
                    await raw.SendRawAsync(RandomBytes(random, 1, 2000), TestToken);
                    await raw.ReadUntilClosedAsync(s_shortRead, TestToken);
                    break;
                }
            case 2:
                {
                    // A handshake response cut short, then the client goes away.
                    using var raw = await RawClient.OpenAsync(server.Port, TestToken);
                    var greeting = await raw.ReadGreetingAsync(TestToken);
                    var response = RawClient.HandshakeResponse(greeting, "native", TestServer.Password);
                    byte[] header = [(byte)response.Length, 0, 0, 1];
                    await raw.SendRawAsync([.. header, .. response.AsSpan(0, random.Next(response.Length))], TestToken);
                    break;
                }
            case 3:
                {
                    // A mutated or mis-sequenced handshake response; if it still logs in, the connection must answer.
                    using var raw = await RawClient.OpenAsync(server.Port, TestToken);
                    var greeting = await raw.ReadGreetingAsync(TestToken);
                    var response = Mutate(random, RawClient.HandshakeResponse(greeting, random.Next(4) == 0 ? "sha2" : "native", TestServer.Password));
                    await raw.SendAsync(response, random.Next(5) == 0 ? (byte)random.Next(256) : (byte)1, TestToken);
                    var packets = await raw.ReadUntilClosedAsync(s_shortRead, TestToken);
                    if (packets.Count == 1 && packets[0][0] == 0x00)
                    {
                        var pong = await raw.CommandAsync([0x0e], TestToken);
                        Assert.Equal(0x00, pong[0]);
                    }
                    break;
                }
            case 4:
                {
                    // Oversized length header after login.
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    await raw.SendRawAsync([0xff, 0xff, 0xff, 0x00, .. RandomBytes(random, 0, 100)], TestToken);
                    var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
                    Assert.Equal(1153, RawClient.ErrorCode(Assert.Single(packets)));
                    break;
                }
            case 5:
            case 6:
                {
                    // Well-framed commands with random bodies; after each, a ping must still be answered (or the connection closed).
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    for (var i = 0; i < 5; i++)
                    {
                        byte[] body = [s_commands[random.Next(s_commands.Length)], .. RandomBytes(random, 0, 64)];
                        if (body[0] == 0x03 && random.Next(2) == 0)
                            body = [0x03, .. Encoding.UTF8.GetBytes(RandomSql(random))];
                        if (!await raw.SendAsync(body, 0, TestToken) || !await PingAfterAsync(raw))
                            break;
                    }
                    break;
                }
            case 7:
                {
                    // Mutations of a valid COM_STMT_EXECUTE.
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    var id = await raw.PrepareAsync("SELECT ECHO ?, ?, ?", TestToken);
                    byte[] execute = [0x17, .. id, 0, 1, 0, 0, 0, 0b010, 1, 0x08, 0x80, 0x06, 0, 0xfd, 0,
                    .. BitConverter.GetBytes(ulong.MaxValue), 3, .. "abc"u8];
                    for (var i = 0; i < 4; i++)
                    {
                        if (!await raw.SendAsync(Mutate(random, execute), 0, TestToken) || !await PingAfterAsync(raw))
                            break;
                    }
                    break;
                }
            case 8:
                {
                    // Wrong sequence id on a command.
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    await raw.SendAsync([0x03, .. "SELECT 1"u8], (byte)random.Next(1, 256), TestToken);
                    var packets = await raw.ReadUntilClosedAsync(BorealisTest.DefaultTimeout, TestToken);
                    Assert.Equal(1156, RawClient.ErrorCode(Assert.Single(packets)));
                    break;
                }
            case 9:
                {
                    // A command packet cut short, then the client goes away.
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    await raw.SendRawAsync([50, 0, 0, 0, 0x03, .. "SELECT"u8], TestToken);
                    break;
                }
            default:
                {
                    // Disconnect in the middle of a large result set.
                    using var raw = await RawClient.ConnectAsync(server.Port, TestToken);
                    await raw.SendAsync([0x03, .. "SELECT ROWS 100000"u8], 0, TestToken);
                    await raw.ReadPacketAsync(TestToken);
                    break;
                }
        }
    }

    /// <summary>Sends COM_PING and reads until its OK; false when the server closed the connection (allowed after bad input).</summary>
    static async Task<bool> PingAfterAsync(RawClient raw)
    {
        if (!await raw.SendAsync([0x0e], 0, TestToken))
            return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        timeout.CancelAfter(BorealisTest.DefaultTimeout);
        while (true)
        {
            byte[]? packet;
            try
            {
                packet = await raw.ReadPacketAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestToken.IsCancellationRequested)
            {
                throw new TimeoutException("The server neither answered nor closed the connection.");
            }
            if (packet is null)
                return false;
            if (packet is [0x00, _, _, _, _, _, _] && RawClient.ErrorCode(packet) < 0)
                return true;
        }
    }

    static byte[] RandomBytes(Random random, int min, int max)
    {
        var bytes = new byte[random.Next(min, max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    static string RandomSql(Random random)
    {
        string[] words = ["SELECT", "1", ";", "TYPED", "INSERT", "FAIL", "'", "`", "\\", "ROWS", "2", "ECHO", "?", "\0", "é", "SET", "NAMES"];
        return string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 8)).Select(_ => words[random.Next(words.Length)]));
    }

    static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToArray();
        switch (random.Next(3))
        {
            case 0:
                for (var i = random.Next(1, 6); i > 0; i--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            default:
                return [.. bytes, .. RandomBytes(random, 1, 20)];
        }
    }
}
