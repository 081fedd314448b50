using System.Net.Sockets;

namespace Borealis.Common.Net;

/// <summary>The accept loop every TCP endpoint of Borealis runs (MySQL, storage): accept until stopped, survive transient faults.</summary>
public static class AcceptLoop
{
    /// <summary>A socket bound to <paramref name="endPoint"/> and listening.</summary>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is in use).</exception>
    public static Socket Listen(System.Net.EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
            return listener;
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            var reason = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the port is already in use" : ex.Message;
            throw new IOException($"Cannot listen on {endPoint}: {reason}.", ex);
        }
    }

    /// <summary>
    /// Accepts connections on <paramref name="listener"/> and hands each to <paramref name="accepted"/> until
    /// <paramref name="stopping"/> fires or the listener is closed. A failed accept is reported to
    /// <paramref name="fault"/> and the loop goes on: one bad connection attempt never stops the endpoint.
    /// </summary>
    public static async Task RunAsync(Socket listener, Action<Socket> accepted, Action<SocketException> fault, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(fault);
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (stopping.IsCancellationRequested)
                    return;
                fault(ex);
                continue;
            }
            socket.NoDelay = true;
            accepted(socket);
        }
    }
}
