using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Borealis.Router.Tests;

/// <summary>A client of a router endpoint: reads the instance's greeting line and sends lines to be echoed.</summary>
internal sealed class ProxyClient : IDisposable
{
    static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    ProxyClient()
    {
    }

    public static async Task<ProxyClient> ConnectAsync(int port)
    {
        var client = new ProxyClient();
        await client._socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>Connects and returns the id in the greeting ("hello from ID").</summary>
    public static async Task<(ProxyClient Client, string Instance)> ConnectAndGreetAsync(int port)
    {
        var client = await ConnectAsync(port);
        var line = await client.ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith("hello from ", line, StringComparison.Ordinal);
        return (client, line["hello from ".Length..]);
    }

    /// <summary>The next line, or null when the connection is closed by the far side.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(s_timeout);
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(one, SocketFlags.None, deadline.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                return null;
            }
            if (read == 0)
                return line.Length == 0 ? null : line.ToString();
            if (one[0] == '\n')
                return line.ToString();
            line.Append((char)one[0]);
        }
    }

    /// <summary>Sends <paramref name="text"/> and a newline, then reads the echo.</summary>
    public async Task<string?> EchoAsync(string text)
    {
        await SendAsync(text + "\n");
        return await ReadLineAsync();
    }

    public async Task SendAsync(string text) =>
        await _socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, TestContext.Current.CancellationToken);

    public Socket Socket => _socket;

    /// <summary>True once the far side has closed: a read ends (end of stream or reset) within the deadline.</summary>
    public async Task<bool> IsClosedByPeerAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();
}
