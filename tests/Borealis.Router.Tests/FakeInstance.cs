using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Borealis.Router.Tests;

/// <summary>
/// A stand-in for a database instance on 127.0.0.1:0. Like a MySQL server it speaks first: each connection gets
/// "hello from {id}\n", then every byte it sends is echoed, except the line "flood\n", after which the instance writes
/// without end (to make a slow client). It counts connections accepted and ended, and can drop them all.
/// </summary>
internal sealed class FakeInstance : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<int, Socket> _open = new();
    readonly Task _accepting;
    int _accepted;
    int _ended;
    int _next;

    public FakeInstance(string id)
    {
        Id = id;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Id { get; }

    public int Port { get; }

    public InstanceEndpoint Endpoint => new(Id, "127.0.0.1", Port);

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections that the other side (the router) ended.</summary>
    public int Ended => Volatile.Read(ref _ended);

    public int Open => _open.Count;

    /// <summary>Closes every connection from the instance's side, as a crashing server would.</summary>
    public void DropAll()
    {
        foreach (var (key, socket) in _open)
        {
            if (_open.TryRemove(key, out _))
                socket.Dispose();
        }
    }

    async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            // Stopped by DisposeAsync: cancelled while waiting, or (InvalidOperationException) the listener was
            // stopped between two accepts.
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            int key = Interlocked.Increment(ref _next);
            _open[key] = socket;
            _ = ServeAsync(key, socket);
        }
    }

    async Task ServeAsync(int key, Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes($"hello from {Id}\n"), SocketFlags.None, _stop.Token);
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    Interlocked.Increment(ref _ended);
                    return;
                }
                if (read == 6 && buffer.AsSpan(0, 6).SequenceEqual("flood\n"u8))
                {
                    var chunk = new byte[1024 * 1024];
                    while (true)
                        await socket.SendAsync(chunk, SocketFlags.None, _stop.Token);
                }
                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.ConnectionReset })
                Interlocked.Increment(ref _ended);
        }
        finally
        {
            _open.TryRemove(key, out _);
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
#pragma warning disable VSTHRD003 // The fake's own accept loop.
        await _accepting;
#pragma warning restore VSTHRD003
        _stop.Dispose();
    }
}
