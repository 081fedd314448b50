using System.Diagnostics;
using System.Net;
using Borealis.Control;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>
/// Runs a local cluster as supervised child processes (each role its own OS process, so a crash is a real crash):
/// the storage nodes of <c>DIR/storage/nodes.json</c>, then the instances of <c>DIR/topology.json</c>, which the
/// control plane (Borealis.Control: health, failover, the control API) decides through this class's
/// <see cref="IInstanceProcesses"/> (Supervisor.Instances.cs). It restarts a process that dies,
/// follows changes of the storage topology (a node added or retired by <c>borealis storage replace</c>), replaces a
/// storage node that keeps dying at start (its disk is gone: a new node in the same zone takes its place and the
/// writer moves its segments there), keeps <c>cluster.json</c> current, and stops everything on shutdown.
/// </summary>
public sealed partial class Supervisor
{
    /// <summary>Exit code of a role that cannot start because of its configuration (e.g. a busy port): not restarted.</summary>
    public const int ConfigurationExitCode = 2;

    static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);
    static readonly TimeSpan s_topologyPoll = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan s_topologyLockTimeout = TimeSpan.FromSeconds(10);

    readonly SupervisorOptions _options;
    readonly DataDirectory _data;
    readonly ILoggerFactory _loggerFactory;
    readonly ILogger _logger;
    readonly Lock _stateLock = new();
    ClusterState _state = new();

    /// <summary>Processes that have accepted connections at least once: a later exit is a crash, not a start-up failure.</summary>
    readonly HashSet<string> _everRunning = [];

    /// <summary>Supervision of each storage node, cancelled when the node is retired.</summary>
    readonly Dictionary<int, (CancellationTokenSource Stop, Task<bool> Run)> _nodes = [];

    public Supervisor(SupervisorOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _data = options.Data;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Borealis.Supervisor");
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl-C, SIGTERM), then stops every child.</summary>
    /// <returns>0 after a clean stop; 1 when the writer or the control API could not start at all.</returns>
    /// <exception cref="HostingException">The directory is in use, or the storage options or topology are invalid.</exception>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var dirLock = AcquireDirectoryLock();
        var topology = LoadOrCreateTopology();
        _quorum = topology is not null;
        var controlOptions = new ControlPlaneOptions
        {
            TopologyFile = _data.InstanceTopologyFile,
            ClusterPort = _options.Port,
            Host = _state.Host,
            ReadersRefusedBecause = _quorum ? null : "readers need quorum storage: this cluster runs on a local volume (it was created with --storage-nodes 0)",
        };
        InstanceTopology instances;
        try
        {
            instances = ControlPlane.OpenTopology(controlOptions, _options.Readers, _options.Writers);
        }
        catch (Exception ex) when (ex is ControlException or InvalidDataException or IOException)
        {
            throw new HostingException(ex.Message);
        }
        _state = new ClusterState
        {
            SupervisorPid = Environment.ProcessId,
            Port = _options.Port,
            StartedAt = DateTimeOffset.UtcNow,
            Storage = _quorum ? "quorum" : "local",
            Processes = [],
        };
        WriteState();

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _instancesStopping = stopping.Token;
        Task<bool> follow = Task.FromResult(true);
        if (topology is not null)
        {
            SyncStorageNodes(topology, stopping.Token);
            // The writer opens the volume from a quorum of nodes: start it once they listen (it would retry anyway).
            await WaitForStorageAsync(stopping.Token);
            follow = FollowTopologyAsync(topology, stopping.Token);
        }

        Task<bool> volumeService = Task.FromResult(true);
        _multiMaster = instances.MultiMaster;
        if (instances.MultiMaster)
        {
            if (topology is null)
                throw new HostingException("a multi-master cluster needs quorum storage: this one runs on a local volume");
            volumeService = SuperviseVolumeServiceAsync(stopping.Token);
        }

        bool ok = await RunControlPlaneAsync(instances, controlOptions, stopping.Token);
        // The control plane only returns early when the writer could not start: stop the rest too.
        await stopping.CancelAsync();
        await StopAllInstancesAsync();
        ok &= await volumeService;
        ok &= await follow;
#pragma warning disable VSTHRD003 // the node supervision tasks were started by this object, above
        Task<bool>[] nodes;
        lock (_stateLock)
            nodes = [.. _nodes.Values.Select(n => n.Run)];
        foreach (var result in await Task.WhenAll(nodes))
#pragma warning restore VSTHRD003
            ok &= result;
        WriteState();
        return ok ? 0 : 1;
    }

    /// <summary>
    /// The control plane (instances, health, failover) and its API, until stopped. False when the writer could not
    /// start at all (a configuration failure) or the API could not listen.
    /// </summary>
    async Task<bool> RunControlPlaneAsync(InstanceTopology instances, ControlPlaneOptions options, CancellationToken cancellationToken)
    {
        await using var control = new ControlPlane(instances, options, this, _loggerFactory.CreateLogger("Borealis.Control"));
        ControlApi api;
        try
        {
            api = await ControlApi.StartAsync(control, _options.ControlPort, _loggerFactory, cancellationToken);
        }
        catch (IOException ex)
        {
            Log.ControlApiFailed(_logger, _options.ControlPort, ex.Message);
            return false;
        }
        await using (api)
        {
            UpdateState(() => _state.ControlPort = api.Port);
            control.Start();
            // The endpoints: the router follows the control API (GET /v1/endpoints).
            var router = new ProcessState { Id = "router", Role = "router", Port = _options.Port, State = ProcessStatus.Starting };
            UpdateState(() => _state.Processes.Add(router));
            using var stopRouter = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var routing = SuperviseAsync(router, () =>
            [
                "router",
                "--control", $"http://127.0.0.1:{api.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                "--port", _options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ], (exit, _) => exit == ConfigurationExitCode ? (false, ProcessStatus.Failed) : null, TimeSpan.FromSeconds(2), stopRouter.Token);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = cancellationToken.Register(() => stopped.TrySetResult());
#pragma warning disable VSTHRD003 // completed by this object's writer supervision (Supervisor.Instances.cs)
            var first = await Task.WhenAny(stopped.Task, _writerStartFailed.Task, routing);
#pragma warning restore VSTHRD003
            await stopRouter.CancelAsync();
            bool routed = await routing;
            return first != _writerStartFailed.Task && routed;
        }
    }

    /// <summary>The volume service's port: the cluster port + 3 (router + 0/1, control API + 2; instances from + 10).</summary>
    int VolumeServicePort => _options.Port + 3;

    /// <summary>
    /// Multi-master: the volume service (<c>borealis volume-service</c>), which holds the volume on the storage nodes and
    /// serves it to the writers; restarted when it dies (its writers lose it, exit and are restarted too).
    /// </summary>
    Task<bool> SuperviseVolumeServiceAsync(CancellationToken cancellationToken)
    {
        var process = new ProcessState { Id = "volume-service", Role = "volume", Port = VolumeServicePort, State = ProcessStatus.Starting };
        UpdateState(() => _state.Processes.Add(process));
        return SuperviseAsync(process, () =>
        [
            "volume-service",
            "--storage", _data.TopologyFile,
            "--port", VolumeServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ], (exit, _) => exit == ConfigurationExitCode && !_everRunning.Contains(process.Id) ? (false, ProcessStatus.Failed) : null, TimeSpan.FromSeconds(2), cancellationToken);
    }

    StorageTopology? LoadOrCreateTopology()
    {
        var topology = StorageTopology.TryRead(_data.TopologyFile);
        if (topology is not null)
            return topology;
        // A cluster created without storage nodes keeps its local volume.
        if (_options.StorageNodes == 0 || Directory.Exists(_data.VolumeDirectory))
            return null;
        int firstPort = _options.Port + StorageTopology.NodePortOffset;
        topology = StorageTopology.CreateLocal(_options.StorageNodes, _options.Zones, _options.PagesPerGroup, firstPort <= IPEndPoint.MaxPort ? firstPort : 0);
        topology.Write(_data.TopologyFile);
        return topology;
    }

    /// <summary>Starts supervising nodes new in the topology and stops retired ones.</summary>
    void SyncStorageNodes(StorageTopology topology, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            foreach (var node in topology.Nodes)
            {
                bool supervised = _nodes.TryGetValue(node.Id, out var running);
                if (!node.Retired && !supervised && node.IsLocal)
                {
                    var process = new ProcessState
                    {
                        Id = StorageProcessId(node.Id),
                        Role = "storage",
                        Port = node.Port,
                        Zone = node.Zone,
                        NodeId = node.Id,
                        State = ProcessStatus.Starting,
                    };
                    _state.Processes.Add(process);
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _nodes[node.Id] = (stop, SuperviseStorageAsync(process, stop.Token));
                }
                else if (node.Retired && supervised && !running.Stop.IsCancellationRequested)
                {
                    Log.StorageNodeRetired(_logger, node.Id);
                    running.Stop.Cancel();
                    _state.Processes.RemoveAll(p => p.Id == StorageProcessId(node.Id));
                }
            }
            WriteState();
        }
    }

    static string StorageProcessId(int nodeId) => "storage-" + nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    async Task WaitForStorageAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            lock (_stateLock)
            {
                if (_state.Processes.Where(p => p.Role == "storage").All(p => p.State is ProcessStatus.Running or ProcessStatus.Failed))
                    return;
            }
            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Re-reads the topology file and applies changes made since <paramref name="started"/> until stopped.</summary>
    async Task<bool> FollowTopologyAsync(StorageTopology started, CancellationToken cancellationToken)
    {
        await StorageTopology.FollowAsync(_data.TopologyFile, started, s_topologyPoll, topology => SyncStorageNodes(topology, cancellationToken),
            message => Log.TopologyUnreadable(_logger, message), cancellationToken);
        return true;
    }

    /// <summary>
    /// Supervises one storage node. A node that dies quickly again and again has lost its disk (or its data is
    /// unusable): it is retired and a new node in its zone added, which the writer fills by repair.
    /// </summary>
    Task<bool> SuperviseStorageAsync(ProcessState process, CancellationToken cancellationToken)
    {
        int quickExits = 0;
        return SuperviseAsync(process, () => StorageArguments(process), (exit, ranFor) =>
        {
            quickExits = ranFor < _options.QuickExit ? quickExits + 1 : 0;
            if (quickExits < _options.LostAfterQuickExits)
                return null;
            ReplaceLostNode(process.NodeId);
            return (true, ProcessStatus.Failed);
        }, TimeSpan.FromSeconds(2), cancellationToken);
    }

    /// <summary>
    /// Retires a lost node and adds a fresh one in its zone (the topology watcher starts it). The file is changed under
    /// its lock, like <c>borealis storage replace</c> does: when the operator replaced the node first, nothing is left to do.
    /// </summary>
    void ReplaceLostNode(int nodeId)
    {
        try
        {
            var (_, added) = StorageTopology.ReplaceInFile(_data.TopologyFile, nodeId, s_topologyLockTimeout);
            Log.StorageNodeLost(_logger, nodeId, added.Id, added.Zone);
        }
        catch (HostingException ex)
        {
            Log.LostNodeNotReplaced(_logger, nodeId, ex.Message);
        }
    }

    /// <summary>
    /// Runs a child and restarts it when it exits, with doubling back-off up to <paramref name="maxBackoff"/>.
    /// <paramref name="giveUp"/> sees each exit (code, how long the child ran) and returns null to restart, or the
    /// supervision's result to stop and the state the process is left in.
    /// </summary>
    async Task<bool> SuperviseAsync(ProcessState process, Func<List<string>> arguments, Func<int, TimeSpan, (bool Result, ProcessStatus State)?> giveUp, TimeSpan maxBackoff, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.StartNew();
            var exit = await RunChildOnceAsync(process, arguments(), cancellationToken);
            if (exit is null)
                return true;
            if (giveUp(exit.Value, started.Elapsed) is { } result)
            {
                UpdateState(() => { process.State = result.State; process.Pid = 0; });
                return result.Result;
            }
            Log.ChildExited(_logger, process.Id, exit.Value);
            UpdateState(() => { process.State = ProcessStatus.Restarting; process.Pid = 0; process.Restarts++; });
            if (!await DelayAsync(backoff, cancellationToken))
                break;
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, maxBackoff.TotalMilliseconds));
        }
        UpdateState(() => process.State = ProcessStatus.Stopped);
        return true;
    }

    /// <summary>Starts the child and waits for it to exit; null when supervision was stopped (the child was stopped too).</summary>
    async Task<int?> RunChildOnceAsync(ProcessState process, List<string> arguments, CancellationToken cancellationToken)
    {
        using var child = StartChild(process, arguments);
        UpdateState(() => { process.Pid = child.Id; process.State = ProcessStatus.Starting; });
        var ready = WaitUntilListeningAsync(process, child, cancellationToken);
        try
        {
            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await StopChildAsync(child);
            UpdateState(() => { process.State = ProcessStatus.Stopped; process.Pid = 0; });
            await ready;
            return null;
        }
        await ready;
        return child.ExitCode;
    }

    static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    async Task WaitUntilListeningAsync(ProcessState process, Process child, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !child.HasExited)
        {
            if (await PortProbe.IsListeningAsync(_state.Host, process.Port, cancellationToken))
            {
                UpdateState(() =>
                {
                    if (process.State != ProcessStatus.Stopping)
                        process.State = ProcessStatus.Running;
                    _everRunning.Add(process.Id);
                });
                Log.ChildRunning(_logger, process.Id, child.Id, process.Port);
                return;
            }
            if (!await DelayAsync(TimeSpan.FromMilliseconds(50), cancellationToken))
                return;
        }
    }

    List<string> StorageArguments(ProcessState process) =>
    [
        "storage",
        "--data", _data.StorageNodeDirectory(process.NodeId),
        "--node-id", process.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--zone", process.Zone ?? "a",
        "--port", process.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    Process StartChild(ProcessState process, List<string> args)
    {
        var exe = Environment.ProcessPath ?? throw new HostingException("cannot find the borealis executable");
        // The child writes its own log: /bin/sh redirects and then execs, so the pid is the child's own.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(exe);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_LOG"] = _data.LogFile(process.Id);
        start.Environment["BOREALIS_PASSWORD"] = _options.Password;
        // The child stops by itself if this process dies without stopping it (ProcessLifetime).
        start.Environment[ProcessLifetime.SupervisorVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Log.StartingChild(_logger, process.Id, string.Join(' ', args));
        return Process.Start(start) ?? throw new HostingException($"cannot start {process.Id}");
    }

    static async Task StopChildAsync(Process child)
    {
        if (child.HasExited)
            return;
        NativeMethods.Signal(child.Id, NativeMethods.SigTerm);
        using var grace = new CancellationTokenSource(s_stopGrace);
        try
        {
            await child.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            await child.WaitForExitAsync(CancellationToken.None);
        }
    }

    void UpdateState(Action change)
    {
        lock (_stateLock)
        {
            change();
            WriteState();
        }
    }

    void WriteState()
    {
        lock (_stateLock)
            _state.Write(_data.StateFile);
    }

    FileStream AcquireDirectoryLock()
    {
        try
        {
            return new FileStream(_data.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var running = ClusterState.TryRead(_data.StateFile);
            throw new HostingException(
                $"a cluster is already running on '{_data.Root}'{(running is null ? "" : $" (supervisor pid {running.SupervisorPid})")}; stop it with ./borealis down --data {_data.Root}");
        }
    }
}
