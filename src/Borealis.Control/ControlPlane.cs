using Microsoft.Extensions.Logging;

namespace Borealis.Control;

/// <summary>
/// The control plane of a cluster: it keeps the instance topology (<see cref="InstanceTopology"/>), starts the
/// instances through <see cref="IInstanceProcesses"/>, probes their health, fails over to a reader when the writer
/// dies (<see cref="FailoverPolicy"/>), adds and removes instances, and answers the control API
/// (<see cref="ControlApi"/>). Every change of the topology is serialised (one at a time) and written to disk
/// before the processes are changed.
/// </summary>
public sealed partial class ControlPlane : IAsyncDisposable
{
    readonly ControlPlaneOptions _options;
    readonly IInstanceProcesses _processes;
    readonly ILogger _logger;
    readonly InstanceTopology _topology;

    /// <summary>Guards the topology, health, events and endpoints (short sections, no awaits).</summary>
    readonly Lock _lock = new();

    /// <summary>Held by a change of the topology (add, remove, failover) from start to end: one at a time.</summary>
    readonly SemaphoreSlim _changes = new(1, 1);

    readonly Dictionary<string, (bool Healthy, double? LagMs)> _health = [];
    readonly Queue<ControlEvent> _events = new();
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _background = [];
    EndpointsView _endpoints = new(0, null, [], []);
    int _failovers;
    bool _started;

    public ControlPlane(InstanceTopology topology, ControlPlaneOptions options, IInstanceProcesses processes, ILogger logger)
    {
        _topology = topology;
        _options = options;
        _processes = processes;
        _logger = logger;
        lock (_lock)
            RecomputeEndpoints();
    }

    public ControlPlaneOptions Options => _options;

    /// <summary>
    /// The topology in <see cref="ControlPlaneOptions.TopologyFile"/>, or a new one (one writer on the cluster port,
    /// <paramref name="newReaders"/> readers), written before it is returned. Until the router serves the cluster
    /// endpoint, the writer's instance endpoint is the cluster port: a reopened cluster moves its writer there.
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but is not a topology.</exception>
    /// <exception cref="ControlException">Readers asked for where readers are refused.</exception>
    public static InstanceTopology OpenTopology(ControlPlaneOptions options, int newReaders, int newWriters = 1)
    {
        var topology = InstanceTopology.TryRead(options.TopologyFile);
        if (topology is null)
        {
            if (newReaders > 0 && options.ReadersRefusedBecause is { } why)
                throw ControlException.Conflict(why);
            if (newWriters is < 1 or > InstanceTopology.MaxWriters)
                throw ControlException.Conflict($"a cluster has 1 to {InstanceTopology.MaxWriters} writers, not {newWriters}");
            if (newWriters > 1 && newReaders > 0)
                throw ControlException.Conflict("a multi-master cluster has no readers (as in Aurora): give --writers or --readers, not both");
            topology = new InstanceTopology { MultiMaster = newWriters > 1 };
            for (int i = 0; i < newWriters; i++)
                AddInstance(topology, options, InstanceRole.Writer, InstanceSpec.DefaultTier);
            for (int i = 0; i < newReaders; i++)
                AddInstance(topology, options, InstanceRole.Reader, InstanceSpec.DefaultTier);
        }
        else
        {
            // The router serves the cluster and reader endpoints (cluster port, + 1) and the API is on + 2: an instance
            // kept there by an older version moves to ports of its own.
            for (int i = 0; i < topology.Instances.Count; i++)
            {
                var instance = topology.Instances[i];
                if (instance.Port - options.ClusterPort is >= 0 and <= 2)
                {
                    var ports = AllocatePorts(topology, options, 1);
                    topology.Instances[i] = instance = instance with { Port = ports[0] };
                }
                // Instances of a topology written before status endpoints existed get one.
                if (instance.StatusPort == 0)
                    topology.Instances[i] = instance with { StatusPort = AllocatePorts(topology, options, 1)[0] };
            }
        }
        topology.Write(options.TopologyFile);
        return topology;
    }

    /// <summary>
    /// Adds an instance with the next id on three new ports (<see cref="AllocatePorts"/>): its endpoint, its
    /// replication port and its status endpoint.
    /// </summary>
    static InstanceSpec AddInstance(InstanceTopology topology, ControlPlaneOptions options, InstanceRole role, int tier)
    {
        var ports = AllocatePorts(topology, options, 3);
        return topology.Add(role, tier, ports[0], ports[1], ports[2]);
    }

    /// <summary>The first <paramref name="count"/> ports from the cluster port + 10 up that no instance uses and nothing listens on.</summary>
    static int[] AllocatePorts(InstanceTopology topology, ControlPlaneOptions options, int count)
    {
        var used = topology.Instances.SelectMany(i => new[] { i.Port, i.ReplicationPort, i.StatusPort }).ToHashSet();
        var ports = new List<int>(count);
        for (int port = options.ClusterPort + 10; port <= 65535 && ports.Count < count; port++)
        {
            if (!used.Contains(port) && options.IsPortFree(port))
                ports.Add(port);
        }
        return ports.Count == count ? [.. ports] : throw ControlException.Conflict($"no free port above {options.ClusterPort + 10} on 127.0.0.1 for a new instance");
    }

    /// <summary>Starts every instance of the topology and the health probes.</summary>
    public void Start()
    {
        InstanceSpec[] specs;
        lock (_lock)
        {
            if (_started)
                throw new InvalidOperationException("the control plane is already started");
            _started = true;
            specs = [.. _topology.Instances];
        }
        foreach (var spec in specs)
            StartProcess(spec);
        Track(HealthLoopAsync(_stop.Token));
    }

    void StartProcess(InstanceSpec spec) => _processes.Start(spec, exit => OnExited(spec.Id, exit));

    /// <summary>The healthy endpoints (contract 3 of docs/api.md).</summary>
    public EndpointsView Endpoints()
    {
        lock (_lock)
            return _endpoints;
    }

    /// <summary>A copy of the topology as it is now.</summary>
    public IReadOnlyList<InstanceSpec> Instances()
    {
        lock (_lock)
            return [.. _topology.Instances];
    }

    public ClusterView Cluster()
    {
        lock (_lock)
        {
            var instances = _topology.Instances.OrderBy(i => i.Number).Select(spec =>
            {
                var process = _processes.Status(spec.Id);
                var health = _health.GetValueOrDefault(spec.Id);
                return new InstanceView(spec.Id, spec.Role, spec.Tier, _options.Host, spec.Port,
                    spec.Role == InstanceRole.Writer ? spec.ReplicationPort : 0,
                    process?.Pid ?? 0, (process?.State ?? InstanceProcessState.Stopped).ToString().ToLowerInvariant(),
                    health.Healthy, health.LagMs, process?.Restarts ?? 0)
                { StatusPort = spec.StatusPort };
            }).ToList();
            return new ClusterView(_endpoints.Version, _topology.Writer?.Id, instances, _processes.StorageNodes(), _failovers, [.. _events]);
        }
    }

    /// <summary>Each storage node's SCLs, queue and fsync latency, asked of the nodes now (<c>/metrics</c>).</summary>
    public Task<IReadOnlyList<StorageNodeMetrics>> StorageNodeMetricsAsync(CancellationToken cancellationToken) =>
        _processes.StorageNodeMetricsAsync(cancellationToken);

    void AddEvent(string kind, string? from, string? to, string detail)
    {
        _events.Enqueue(new ControlEvent(DateTimeOffset.UtcNow, kind, from, to, detail));
        while (_events.Count > _options.EventsKept)
            _events.Dequeue();
    }

    /// <summary>Recomputes the endpoints from the topology and health; the version goes up when they changed.</summary>
    void RecomputeEndpoints()
    {
        List<EndpointView> writers = [.. _topology.Writers.Where(w => IsHealthy(w.Id)).OrderBy(w => w.Number).Select(w => new EndpointView(w.Id, _options.Host, w.Port))];
        EndpointView? writer = writers.Count > 0 ? writers[0] : null;
        List<EndpointView> readers = [.. _topology.Readers.Where(r => IsHealthy(r.Id)).OrderBy(r => r.Number).Select(r => new EndpointView(r.Id, _options.Host, r.Port))];
        if (writer == _endpoints.Writer && readers.SequenceEqual(_endpoints.Readers) && writers.SequenceEqual(_endpoints.Writers))
            return;
        _endpoints = new EndpointsView(_endpoints.Version + 1, writer, readers, writers);
    }

    bool IsHealthy(string id) => _health.TryGetValue(id, out var h) && h.Healthy;

    void Track(Task task)
    {
        lock (_lock)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    /// <summary>Stops the probes and waits for a failover in progress; the processes are left to their owner.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] background;
        lock (_lock)
            background = [.. _background];
        try
        {
#pragma warning disable VSTHRD003 // these tasks were started by this object
            await Task.WhenAll(background);
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _changes.Dispose();
    }
}
