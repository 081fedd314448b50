using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Borealis.MySql.Auth;

namespace Borealis.MySql.Tests.Fakes;

/// <summary>A hand-rolled MySQL client over a raw socket, for sending what real clients never send.</summary>
public sealed class RawClient : IDisposable
{
    readonly Socket _socket;
    readonly NetworkStream _stream;

    RawClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>CLIENT_PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | PLUGIN_AUTH_LENENC | MULTI_STATEMENTS | MULTI_RESULTS | DEPRECATE_EOF.</summary>
    public const uint Capabilities = 0x200 | 0x8000 | 0x80000 | 0x200000 | 0x10000 | 0x20000 | 0x1000000;

    public byte[] Greeting { get; private set; } = [];

    public static async Task<RawClient> OpenAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        return new RawClient(socket);
    }

    /// <summary>Connects and logs in as the "native" test user.</summary>
    public static async Task<RawClient> ConnectAsync(int port, CancellationToken cancellationToken, uint capabilities = Capabilities)
    {
        var client = await OpenAsync(port, cancellationToken);
        var greeting = await client.ReadGreetingAsync(cancellationToken);
        await client.SendAsync(HandshakeResponse(greeting, "native", TestServer.Password, capabilities), 1, cancellationToken);
        var reply = await client.ReadPacketAsync(cancellationToken) ?? throw new IOException("closed during login");
        if (reply[0] == 0xfe)
        {
            // AuthSwitchRequest: answer for the named plugin.
            var nul = Array.IndexOf(reply, (byte)0, 1);
            var scramble = reply.AsSpan(nul + 1, 20).ToArray();
            await client.SendAsync(NativePassword.Scramble(TestServer.Password, scramble), 3, cancellationToken);
            reply = await client.ReadPacketAsync(cancellationToken) ?? throw new IOException("closed during login");
        }
        if (reply[0] != 0)
            throw new InvalidOperationException($"Login failed: {ErrorMessage(reply)}");
        return client;
    }

    public async Task<byte[]> ReadGreetingAsync(CancellationToken cancellationToken)
    {
        Greeting = await ReadPacketAsync(cancellationToken) ?? throw new IOException("no greeting");
        return Greeting;
    }

    /// <summary>The 20-byte scramble of a HandshakeV10 payload.</summary>
    public static byte[] ScrambleOf(byte[] greeting)
    {
        var versionEnd = Array.IndexOf(greeting, (byte)0, 1);
        var part1 = greeting.AsSpan(versionEnd + 1 + 4, 8);
        var part2 = greeting.AsSpan(versionEnd + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, 12);
        return [.. part1, .. part2];
    }

    /// <summary>A HandshakeResponse41 with mysql_native_password.</summary>
    public static byte[] HandshakeResponse(byte[] greeting, string user, string password, uint capabilities = Capabilities)
    {
        var auth = NativePassword.Scramble(password, ScrambleOf(greeting));
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(capabilities));
        payload.AddRange(BitConverter.GetBytes(16 * 1024 * 1024));
        payload.Add(255);
        payload.AddRange(new byte[23]);
        payload.AddRange(Encoding.UTF8.GetBytes(user));
        payload.Add(0);
        payload.Add((byte)auth.Length);
        payload.AddRange(auth);
        payload.AddRange("mysql_native_password"u8.ToArray());
        payload.Add(0);
        return [.. payload];
    }

    /// <summary>Sends one packet; false when the server has already closed the connection.</summary>
    public Task<bool> SendAsync(byte[] payload, byte sequenceId, CancellationToken cancellationToken)
    {
        var packet = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(packet, payload.Length);
        packet[3] = sequenceId;
        payload.CopyTo(packet, 4);
        return SendRawAsync(packet, cancellationToken);
    }

    /// <summary>Sends bytes as they are; false when the server has already closed the connection.</summary>
    public async Task<bool> SendRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The next packet's payload (chunks reassembled), or null when the server closed the connection.</summary>
    public async Task<byte[]?> ReadPacketAsync(CancellationToken cancellationToken)
    {
        // A server that neither answers nor closes fails the test instead of hanging it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Borealis.Testing.BorealisTest.DefaultTimeout);
        cancellationToken = deadline.Token;
        var result = new List<byte>();
        var header = new byte[4];
        while (true)
        {
            try
            {
                await _stream.ReadExactlyAsync(header, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                return null;
            }
            catch (IOException)
            {
                return null;
            }
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cancellationToken);
            result.AddRange(payload);
            if (length < 0xffffff)
                return [.. result];
        }
    }

    public async Task<byte[]> CommandAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await SendAsync(payload, 0, cancellationToken);
        return await ReadPacketAsync(cancellationToken) ?? throw new IOException("closed");
    }

    /// <summary>COM_STMT_PREPARE; reads PREPARE_OK and the parameter and column definitions; returns the statement id bytes.</summary>
    public async Task<byte[]> PrepareAsync(string sql, CancellationToken cancellationToken)
    {
        await SendAsync([0x16, .. Encoding.UTF8.GetBytes(sql)], 0, cancellationToken);
        var ok = await ReadPacketAsync(cancellationToken) ?? throw new IOException("closed");
        if (ok[0] != 0)
            throw new InvalidOperationException($"Prepare failed: {ErrorMessage(ok)}");
        var definitions = BitConverter.ToUInt16(ok, 5) + BitConverter.ToUInt16(ok, 7);
        for (var i = 0; i < definitions; i++)
            await ReadPacketAsync(cancellationToken);
        return ok[1..5];
    }

    /// <summary>Sends a command and reads packets up to the terminating EOF/OK(0xFE) or ERR.</summary>
    public async Task<List<byte[]>> CommandUntilEndAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await SendAsync(payload, 0, cancellationToken);
        var packets = new List<byte[]>();
        while (true)
        {
            var packet = await ReadPacketAsync(cancellationToken) ?? throw new IOException("closed");
            packets.Add(packet);
            if (packet[0] == 0xff || (packet[0] == 0xfe && packet.Length < 0xffffff))
                return packets;
        }
    }

    /// <summary>Reads until the server closes the connection; the packets seen (a timeout leaves the rest unread).</summary>
    public async Task<List<byte[]>> ReadUntilClosedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var packets = new List<byte[]>();
        try
        {
            while (await ReadPacketAsync(cts.Token) is { } packet)
                packets.Add(packet);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        return packets;
    }

    public static int ErrorCode(byte[] packet) => packet[0] == 0xff ? BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(1)) : -1;

    public static string ErrorMessage(byte[] packet) => packet[0] == 0xff ? Encoding.UTF8.GetString(packet.AsSpan(9)) : "";

    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _stream.Dispose();
    }
}
