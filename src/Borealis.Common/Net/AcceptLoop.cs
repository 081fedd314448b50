using System.Net.Sockets;

namespace Borealis.Common.Net;

/// <summary>The accept loop every TCP endpoint of Borealis runs (MySQL, storage): accept until stopped, survive transient faults.</summary>
public static class AcceptLoop
{
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
