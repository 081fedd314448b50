using System.Buffers;
using System.Net.Sockets;

namespace Borealis.Router;

/// <summary>
/// One client connection spliced to one instance: bytes are copied both ways untouched (the MySQL handshake, TLS and
/// every packet go end to end). When either side ends or fails, or <see cref="Close"/> is called, both sockets are
/// closed.
/// </summary>
internal sealed class ProxiedConnection
{
    readonly Socket _client;
    readonly Socket _backend;
    int _closed;

    public ProxiedConnection(Socket client, Socket backend, RouterEndpoint endpoint, InstanceEndpoint instance, RouteRole role)
    {
        _client = client;
        _backend = backend;
        Endpoint = endpoint;
        Instance = instance;
        Role = role;
    }

    public RouterEndpoint Endpoint { get; }

    public InstanceEndpoint Instance { get; }

    public RouteRole Role { get; }

    /// <summary>Copies until one side ends, then closes both.</summary>
    public async Task RunAsync(int bufferSize)
    {
        using var client = new NetworkStream(_client, ownsSocket: true);
        using var backend = new NetworkStream(_backend, ownsSocket: true);
        var up = PumpAsync(client, backend, bufferSize);
        var down = PumpAsync(backend, client, bufferSize);
        await Task.WhenAny(up, down);
        Close();
        await Task.WhenAll(up, down);
    }

    /// <summary>Closes both sides at once (safe to call from any thread, any number of times).</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        Shut(_client);
        Shut(_backend);
    }

    /// <summary>
    /// A FIN first, so that the peer reads a clean end of stream (and the pumps' pending reads end), then the close.
    /// Closing a socket with a read pending would otherwise reset it.
    /// </summary>
    static void Shut(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset or closed by the peer.
        }
        socket.Dispose();
    }

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/> until end of stream or an error. A zero-byte read waits
    /// for data first, so an idle connection holds no buffer; a slow reader on the far side only slows this copy.
    /// </summary>
    static async Task PumpAsync(NetworkStream from, NetworkStream to, int bufferSize)
    {
        try
        {
            while (true)
            {
#pragma warning disable CA2022 // A zero-byte read on purpose: it completes when data arrives, without a buffer.
                await from.ReadAsync(Memory<byte>.Empty);
#pragma warning restore CA2022
                var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                try
                {
                    int read = await from.ReadAsync(buffer.AsMemory(0, bufferSize));
                    if (read == 0)
                        return;
                    await to.WriteAsync(buffer.AsMemory(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The connection ended (reset, closed by the other pump or by a role change): nothing to report.
        }
    }
}
