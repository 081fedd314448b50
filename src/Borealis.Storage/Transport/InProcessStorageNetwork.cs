using System.Collections.Concurrent;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>
/// Storage nodes in one process, for tests: a registry of node addresses and their request sinks, and the
/// transports (<see cref="CreateTransport"/>) that reach them without sockets. Requests and answers are delivered
/// asynchronously on the thread pool, in order per sender and node. A node that is not registered or is stopped
/// answers <see cref="StorageStatus.Unreachable"/>; stopping a node answers its requests in flight Unreachable
/// too, as a broken connection would. It is also the <see cref="IStorageResponder"/> of the nodes it holds.
/// </summary>
public sealed class InProcessStorageNetwork : IStorageResponder
{
    readonly ConcurrentDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<long, InProcessStorageTransport> _transports = new();
    long _nextTransportId;

    sealed record Node(IStorageRequestSink Sink, long Generation, bool Running);

    /// <summary>Makes <paramref name="sink"/> reachable at <paramref name="address"/> (replacing, as after a restart, any node there before).</summary>
    public void Register(string address, IStorageRequestSink sink)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(sink);
        bool replaced = false;
        _nodes.AddOrUpdate(address, _ => new Node(sink, 1, true), (_, old) => { replaced = true; return new Node(sink, old.Generation + 1, true); });
        if (replaced)
            FailInFlight(address);
    }

    /// <summary>Removes the node at <paramref name="address"/>; its requests in flight are answered Unreachable.</summary>
    public void Unregister(string address)
    {
        if (_nodes.TryRemove(address, out _))
            FailInFlight(address);
    }

    /// <summary>Makes the node unreachable (a crash or a partition) until <see cref="Start"/>; requests in flight are answered Unreachable.</summary>
    public void Stop(string address)
    {
        if (!_nodes.TryGetValue(address, out var node))
            throw new InvalidOperationException($"No node is registered at {address}.");
        _nodes[address] = node with { Generation = node.Generation + 1, Running = false };
        FailInFlight(address);
    }

    /// <summary>Makes a stopped node reachable again.</summary>
    public void Start(string address)
    {
        if (!_nodes.TryGetValue(address, out var node))
            throw new InvalidOperationException($"No node is registered at {address}.");
        _nodes[address] = node with { Generation = node.Generation + 1, Running = true };
    }

    public bool IsRunning(string address) => _nodes.TryGetValue(address, out var node) && node.Running;

    /// <summary>A transport whose answers go to <paramref name="onResponse"/>.</summary>
    public InProcessStorageTransport CreateTransport(Action<long, StorageResponse> onResponse, TimeSpan? requestTimeout = null)
    {
        long id = Interlocked.Increment(ref _nextTransportId);
        var transport = new InProcessStorageTransport(this, id, onResponse, requestTimeout ?? TimeSpan.FromSeconds(2));
        _transports[id] = transport;
        return transport;
    }

    /// <inheritdoc/>
    public void Reply(RequestContext context, StorageResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (_transports.TryGetValue(context.Connection, out var transport))
            transport.Deliver(context.RequestId, response);
    }

    internal void Remove(InProcessStorageTransport transport) => _transports.TryRemove(transport.Id, out _);

    /// <summary>The node's current generation if it is running; requests carry it so a restart is told apart.</summary>
    internal bool TryGetRunning(string address, out IStorageRequestSink? sink, out long generation)
    {
        if (_nodes.TryGetValue(address, out var node) && node.Running)
        {
            sink = node.Sink;
            generation = node.Generation;
            return true;
        }
        sink = null;
        generation = 0;
        return false;
    }

    internal bool IsCurrent(string address, long generation) =>
        _nodes.TryGetValue(address, out var node) && node.Running && node.Generation == generation;

    void FailInFlight(string address)
    {
        foreach (var transport in _transports.Values)
            transport.FailAddress(address);
    }
}
