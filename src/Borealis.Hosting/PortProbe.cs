using System.Net;
using System.Net.Sockets;

namespace Borealis.Hosting;

/// <summary>Checks whether a TCP port is free or already accepting connections.</summary>
public static class PortProbe
{
    /// <summary>True when something accepts connections on host:port.</summary>
    public static async Task<bool> IsListeningAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when host:port accepts a connection and sends a MySQL greeting (a packet whose payload starts with
    /// protocol version 10) within a second; the connection is then closed without logging in.
    /// </summary>
    public static async Task<bool> AnswersMySqlAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            var header = new byte[5];
            await client.GetStream().ReadExactlyAsync(header, timeout.Token);
            // 3-byte length, sequence id 0, then the protocol version.
            return header[3] == 0 && header[4] == 10;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    /// <summary>True when a listener could bind 127.0.0.1:port right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
