using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Borealis.Common.Net;
using Borealis.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Storage.Transport;

/// <summary>
/// A storage node's TCP endpoint (docs/storage-protocol.md): accepts connections, decodes request frames and hands
/// each to the <see cref="IStorageRequestSink"/> with a <see cref="RequestContext"/> (connection, request id);
/// <see cref="Reply"/> sends the answer on that connection. Requests are pipelined: the server never waits for an
/// answer before reading the next request. A malformed frame closes its connection only.
/// </summary>
public sealed class StorageServer : IStorageResponder, IAsyncDisposable
{
    readonly IPEndPoint _endPoint;
    readonly IStorageRequestSink _sink;
    readonly ILogger _logger;
    readonly int _maxFrameSize;
    readonly ConcurrentDictionary<long, FrameConnection> _connections = new();
    readonly ConcurrentDictionary<long, Task> _running = new();
    readonly CancellationTokenSource _stopping = new();
    Socket? _listener;
    Task? _acceptLoop;
    long _nextConnectionId;
    int _stopped;

    public StorageServer(IPEndPoint endPoint, IStorageRequestSink sink, ILogger? logger = null, int maxFrameSize = StorageCodec.MaxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, StorageCodec.MinFrameSize);
        _endPoint = endPoint;
        _sink = sink;
        _logger = logger ?? NullLogger.Instance;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>The port actually bound (useful with port 0); 0 before <see cref="Start"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds the endpoint and starts accepting.</summary>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is in use).</exception>
    public void Start()
    {
        if (_listener is not null)
            throw new InvalidOperationException("The server is already started.");
        ObjectDisposedException.ThrowIf(_stopped != 0, this);
        var listener = AcceptLoop.Listen(_endPoint);
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        TransportLog.Listening(_logger, listener.LocalEndPoint!.ToString()!);
        _acceptLoop = Task.Run(() => AcceptLoop.RunAsync(listener, OnAccepted, ex => TransportLog.AcceptFault(_logger, ex), _stopping.Token), CancellationToken.None);
    }

    void OnAccepted(Socket socket)
    {
        long id = Interlocked.Increment(ref _nextConnectionId);
        var remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        // Each connection receives on its own thread and hands the sink a whole receive at once: the runner then runs
        // the node's core on that thread (no wake-up of another thread per request), and what arrived during its
        // fsync is read next, as one batch.
        var connection = new FrameConnection(
            socket, frame => OnFrame(id, frame), _maxFrameSize, "storage-connection " + id.ToString(CultureInfo.InvariantCulture), _sink.Drain, blocking: true);
        _connections[id] = connection;
        TransportLog.ConnectionOpened(_logger, id, remote);
        var running = Task.Run(() => RunConnectionAsync(id, remote, connection), CancellationToken.None);
        _running[id] = running;
        _ = running.ContinueWith(_ => _running.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (_stopping.IsCancellationRequested)
            connection.Close();
    }

    async Task RunConnectionAsync(long id, string remote, FrameConnection connection)
    {
        var failure = await connection.RunAsync(connectTo: null, TimeSpan.Zero, onConnected: null);
        _connections.TryRemove(id, out _);
        if (failure is StorageProtocolException violation)
            TransportLog.ProtocolViolation(_logger, id, remote, violation.Message);
        else
            TransportLog.ConnectionClosed(_logger, id, failure?.Message ?? "closed");
    }

    void OnFrame(long connectionId, ReadOnlySpan<byte> frame)
    {
        var request = StorageCodec.DecodeRequest(frame, out ulong requestId);
        var context = new RequestContext(connectionId, requestId);
        try
        {
            _sink.Enqueue(context, request);
        }
#pragma warning disable CA1031 // The request boundary: a failing handler answers this request, the connection goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.SinkFault(_logger, connectionId, ex);
            Reply(context, new ErrorResponse(StorageStatus.Failed, "the node failed to handle the request: " + ex.Message, default));
        }
    }

    /// <inheritdoc/>
    public void Reply(RequestContext context, StorageResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_connections.TryGetValue(context.Connection, out var connection))
            return;
        EncodedFrame frame;
        try
        {
            frame = StorageCodec.EncodeResponsePooled(context.RequestId, response, _maxFrameSize);
        }
        catch (StorageProtocolException ex)
        {
            TransportLog.ResponseTooLarge(_logger, context.Connection, ex.Message);
            frame = StorageCodec.EncodeResponsePooled(
                context.RequestId, new ErrorResponse(StorageStatus.BadRequest, "the response is too large: " + ex.Message, default), _maxFrameSize);
        }
        connection.TrySend(frame);
    }

    /// <summary>Stops accepting, closes every connection and waits for their loops to end.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        await _stopping.CancelAsync();
        _listener?.Dispose();
#pragma warning disable VSTHRD003 // The server's own accept and connection loops, awaited on stop.
        if (_acceptLoop is not null)
            await _acceptLoop;
        foreach (var connection in _connections.Values)
            connection.Close();
        await Task.WhenAll(_running.Values);
#pragma warning restore VSTHRD003
        if (_listener is not null)
            TransportLog.Stopped(_logger, _endPoint.Address + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }
}
