using System.Collections.Concurrent;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>
/// <see cref="IStorageTransport"/> to the nodes of an <see cref="InProcessStorageNetwork"/> (tests): the same
/// contract as <see cref="TcpStorageTransport"/> — one answer per request, Unreachable for a missing or stopped
/// node and after <c>RequestTimeout</c>, order kept per node — with no sockets and no encoding.
/// </summary>
public sealed class InProcessStorageTransport : IStorageTransport
{
    readonly InProcessStorageNetwork _network;
    readonly Action<long, StorageResponse> _onResponse;
    readonly TimeSpan _requestTimeout;
    readonly ConcurrentDictionary<ulong, Pending> _pending = new();
    readonly ConcurrentDictionary<string, SerialQueue> _toNodes = new(StringComparer.Ordinal);
    readonly SerialQueue _answers = new();
    readonly Timer _sweep;
    long _nextRequestId;
    volatile bool _disposed;

    readonly record struct Pending(long Correlation, string Address, long Deadline);

    internal InProcessStorageTransport(InProcessStorageNetwork network, long id, Action<long, StorageResponse> onResponse, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(onResponse);
        _network = network;
        Id = id;
        _onResponse = onResponse;
        _requestTimeout = requestTimeout;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(requestTimeout.TotalMilliseconds / 4, 5, 250));
        _sweep = new Timer(_ => SweepTimeouts(), null, period, period);
    }

    internal long Id { get; }

    /// <inheritdoc/>
    public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(request);
        var address = node.Address;
        if (_disposed || !_network.TryGetRunning(address, out var sink, out long generation))
        {
            AnswerLater(correlation, Unreachable(address, _disposed ? "the transport is closed" : "not running"));
            return;
        }
        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        _pending[requestId] = new Pending(correlation, address, Environment.TickCount64 + (long)_requestTimeout.TotalMilliseconds);
        var context = new RequestContext(Id, requestId);
        _toNodes.GetOrAdd(address, _ => new SerialQueue()).Enqueue(() =>
        {
            // Stopped (or restarted) since: the request was answered Unreachable then.
            if (!_network.IsCurrent(address, generation))
            {
                if (_pending.TryRemove(requestId, out var stale))
                    AnswerLater(stale.Correlation, Unreachable(address, "the node stopped"));
                return;
            }
            if (!_pending.ContainsKey(requestId))
                return;
            try
            {
                sink!.Handle(context, request);
            }
#pragma warning disable CA1031 // As the TCP server does: a failing handler answers this request and the node goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Deliver(requestId, new ErrorResponse(StorageStatus.Failed, "the node failed to handle the request: " + ex.Message, default));
            }
        });
    }

    /// <summary>An answer from a node; dropped when the request was answered already (timeout, node stopped).</summary>
    internal void Deliver(ulong requestId, StorageResponse response)
    {
        if (_pending.TryRemove(requestId, out var pending))
            AnswerLater(pending.Correlation, response);
    }

    internal void FailAddress(string address)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.Address == address && _pending.TryRemove(id, out _))
                AnswerLater(pending.Correlation, Unreachable(address, "the node stopped"));
        }
    }

    void SweepTimeouts()
    {
        long now = Environment.TickCount64;
        foreach (var (id, pending) in _pending)
        {
            if (pending.Deadline <= now && _pending.TryRemove(id, out _))
                AnswerLater(pending.Correlation, Unreachable(pending.Address, "no answer within the request timeout"));
        }
    }

    void AnswerLater(long correlation, StorageResponse response) => _answers.Enqueue(() =>
    {
        try
        {
            _onResponse(correlation, response);
        }
#pragma warning disable CA1031 // The callback boundary, as in TcpStorageTransport.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    });

    static ErrorResponse Unreachable(string address, string reason) =>
        new(StorageStatus.Unreachable, $"storage node {address}: {reason}", default);

    public ValueTask DisposeAsync()
    {
        if (_disposed)
            return ValueTask.CompletedTask;
        _disposed = true;
        _sweep.Dispose();
        _network.Remove(this);
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
                AnswerLater(pending.Correlation, Unreachable(pending.Address, "the transport is closed"));
        }
        return ValueTask.CompletedTask;
    }
}
