using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Borealis.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Storage.Transport;

/// <summary>
/// <see cref="IStorageTransport"/> over TCP (docs/storage-protocol.md): one pipelined connection per node address,
/// opened on the first request and again on the first request after it broke (after a short backoff). Answers go
/// to the callback on a connection's read loop or on the thread pool, never on the thread that called
/// <see cref="Send"/>. A refused connect, a broken connection and a timeout are answered
/// <see cref="StorageStatus.Unreachable"/>; every request gets exactly one answer. Split by concern:
/// <c>TcpStorageTransport.Connection.cs</c>.
/// </summary>
public sealed partial class TcpStorageTransport : IStorageTransport
{
    readonly Action<long, StorageResponse> _onResponse;
    readonly TcpStorageTransportOptions _options;
    readonly ILogger _logger;
    readonly ConcurrentDictionary<string, NodeLink> _links = new(StringComparer.Ordinal);
    readonly Timer _sweep;
    long _nextRequestId;
    volatile bool _disposed;

    public TcpStorageTransport(Action<long, StorageResponse> onResponse, TcpStorageTransportOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(onResponse);
        _onResponse = onResponse;
        _options = options ?? new TcpStorageTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.RequestTimeout.TotalMilliseconds / 4, 5, 250));
        _sweep = new Timer(_ => SweepTimeouts(), null, period, period);
    }

    /// <inheritdoc/>
    public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(request);
        if (_disposed)
        {
            AnswerLater(correlation, Unreachable(node.Address, "the transport is closed"));
            return;
        }
        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        EncodedFrame frame;
        try
        {
            frame = StorageCodec.EncodeRequestPooled(requestId, request, _options.MaxFrameSize);
        }
        catch (StorageProtocolException ex)
        {
            AnswerLater(correlation, new ErrorResponse(StorageStatus.BadRequest, ex.Message, default));
            return;
        }
        var link = _links.GetOrAdd(node.Address, address => new NodeLink(this, address));
        link.Send(requestId, correlation, frame);
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
            return ValueTask.CompletedTask;
        _disposed = true;
        _sweep.Dispose();
        foreach (var link in _links.Values)
            link.Close();
        return ValueTask.CompletedTask;
    }

    static ErrorResponse Unreachable(string address, string reason) =>
        new(StorageStatus.Unreachable, $"storage node {address}: {reason}", default);

    void SweepTimeouts()
    {
        long now = Environment.TickCount64;
        foreach (var link in _links.Values)
            link.SweepTimeouts(now);
    }

    /// <summary>Delivers an answer to the callback; a throwing callback is logged, never propagated into a loop.</summary>
    void Answer(long correlation, StorageResponse response)
    {
        try
        {
            _onResponse(correlation, response);
        }
#pragma warning disable CA1031 // The callback boundary: a failing consumer must not kill the connection's read loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.CallbackFault(_logger, ex);
        }
    }

    void AnswerLater(long correlation, StorageResponse response) =>
        ThreadPool.UnsafeQueueUserWorkItem(state => Answer(state.correlation, state.response), (correlation, response), preferLocal: false);

    void AnswerAllLater(List<long> correlations, StorageResponse response)
    {
        if (correlations.Count == 0)
            return;
        ThreadPool.UnsafeQueueUserWorkItem(
            state =>
            {
                foreach (var correlation in state.correlations)
                    Answer(correlation, state.response);
            },
            (correlations, response), preferLocal: false);
    }

    /// <summary>Parses <c>host:port</c> (<c>[v6]:port</c> too).</summary>
    internal static EndPoint ParseAddress(string address)
    {
        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0)
            return ip;
        int colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535)
            return new DnsEndPoint(address[..colon], port);
        throw new FormatException($"'{address}' is not a host:port address");
    }

    /// <summary>Everything about one node address: its current connection and the backoff after failures.</summary>
    sealed class NodeLink(TcpStorageTransport transport, string address)
    {
        readonly Lock _lock = new();
        Connection? _current;
        long _retryAt;
        int _failures;

        public void Send(ulong requestId, long correlation, EncodedFrame frame)
        {
            Connection? connection;
            string? refusal = null;
            lock (_lock)
            {
                if (_current is null || _current.IsClosed)
                {
                    if (transport._disposed)
                        refusal = "the transport is closed";
                    else if (Environment.TickCount64 < _retryAt)
                        refusal = "not connected (retrying shortly)";
                    else
                        _current = StartConnection();
                }
                connection = _current;
            }
            if (refusal is not null || connection is null)
            {
                frame.Return();
                transport.AnswerLater(correlation, Unreachable(address, refusal ?? "no connection"));
                return;
            }
            connection.Send(requestId, correlation, frame);
        }

        Connection? StartConnection()
        {
            EndPoint endPoint;
            try
            {
                endPoint = ParseAddress(address);
            }
            catch (FormatException ex)
            {
                _retryAt = long.MaxValue;
                TransportLog.ClientConnectionFailed(transport._logger, address, ex.Message);
                return null;
            }
            var connection = new Connection(transport, this, address);
            connection.Start(endPoint);
            return connection;
        }

        public void OnConnected()
        {
            lock (_lock)
                _failures = 0;
        }

        public void OnClosed(Connection connection)
        {
            lock (_lock)
            {
                if (_current != connection)
                    return;
                _failures = Math.Min(_failures + 1, 16);
                var options = transport._options;
                double backoff = Math.Min(options.ReconnectBackoff.TotalMilliseconds * Math.Pow(2, _failures - 1), options.MaxReconnectBackoff.TotalMilliseconds);
                _retryAt = Environment.TickCount64 + (long)backoff;
            }
        }

        public void SweepTimeouts(long now)
        {
            Connection? connection;
            lock (_lock)
                connection = _current;
            connection?.SweepTimeouts(now);
        }

        public void Close()
        {
            Connection? connection;
            lock (_lock)
                connection = _current;
            connection?.Close();
        }
    }
}
