using System.Globalization;
using Borealis.Control;
using Borealis.Storage.Transport;

namespace Borealis.Hosting;

/// <summary>
/// The instance processes, run for the control plane (<see cref="IInstanceProcesses"/>): the control plane says
/// which instance runs in which role; this part starts <c>borealis instance</c> with the arguments of contract 1
/// (docs/architecture.md), supervises it, and asks the control plane what to do when it exits.
/// </summary>
public sealed partial class Supervisor : IInstanceProcesses
{
    /// <summary>How long a scrape of <c>/metrics</c> waits for the storage nodes.</summary>
    static readonly TimeSpan s_storageMetricsTimeout = TimeSpan.FromSeconds(1);

    readonly Dictionary<string, (ProcessState Process, CancellationTokenSource Stop, Task<bool> Run)> _instances = [];

    /// <summary>Restarts of instances no longer supervised (carried over when an instance is started in another role).</summary>
    readonly Dictionary<string, int> _pastRestarts = [];

    /// <summary>Completed when the writer fails to start because of its configuration (e.g. a busy port): <c>up</c> fails.</summary>
    readonly TaskCompletionSource _writerStartFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    CancellationToken _instancesStopping = new(canceled: true);
    bool _quorum;
    bool _multiMaster;

    public void Start(InstanceSpec spec, Func<InstanceExit, ExitDecision> onExit)
    {
        lock (_stateLock)
        {
            if (_instancesStopping.IsCancellationRequested)
                return;
            if (_instances.ContainsKey(spec.Id))
                throw new InvalidOperationException($"{spec.Id} is already supervised");
            var process = new ProcessState
            {
                Id = spec.Id,
                Role = spec.Role == InstanceRole.Writer ? "writer" : "reader",
                Port = spec.Port,
                ReplicationPort = spec.Role == InstanceRole.Writer ? spec.ReplicationPort : 0,
                StatusPort = spec.StatusPort,
                Tier = spec.Tier,
                State = ProcessStatus.Starting,
                Restarts = _pastRestarts.GetValueOrDefault(spec.Id),
            };
            // Instances first, by id number (instance-1, instance-2, ...), then the storage nodes.
            int index = _state.Processes.TakeWhile(p => p.Role is "writer" or "reader" && new InstanceSpec(p.Id, default, 0, 0, 0).Number < spec.Number).Count();
            _state.Processes.Insert(index, process);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_instancesStopping);
            _instances[spec.Id] = (process, stop, SuperviseInstanceAsync(process, spec, onExit, stop.Token));
            WriteState();
        }
    }

    public async Task StopAsync(string id, CancellationToken cancellationToken)
    {
        (ProcessState Process, CancellationTokenSource Stop, Task<bool> Run) entry;
        lock (_stateLock)
        {
            if (!_instances.TryGetValue(id, out entry))
                return;
            // Readers follow the running writer named in cluster.json: a hung writer being stopped is not one.
            if (entry.Process.Pid > 0)
            {
                entry.Process.State = ProcessStatus.Stopping;
                WriteState();
            }
        }
        await entry.Stop.CancelAsync();
#pragma warning disable VSTHRD003 // started by Start, above; it ends once its child is stopped
        await entry.Run.WaitAsync(cancellationToken);
#pragma warning restore VSTHRD003
        lock (_stateLock)
        {
            _instances.Remove(id);
            _state.Processes.Remove(entry.Process);
            _pastRestarts[id] = entry.Process.Restarts;
            WriteState();
        }
        entry.Stop.Dispose();
    }

    public InstanceProcessStatus? Status(string id)
    {
        lock (_stateLock)
        {
            if (!_instances.TryGetValue(id, out var entry))
                return null;
            var p = entry.Process;
            var state = p.State switch
            {
                ProcessStatus.Starting => InstanceProcessState.Starting,
                ProcessStatus.Running => InstanceProcessState.Running,
                ProcessStatus.Restarting => InstanceProcessState.Restarting,
                ProcessStatus.Failed => InstanceProcessState.Failed,
                _ => InstanceProcessState.Stopped,
            };
            return new InstanceProcessStatus(state, p.Pid, p.Restarts);
        }
    }

    /// <summary>
    /// The instance answers when it accepts a connection and sends a MySQL greeting (protocol 10). Meanwhile its
    /// status endpoint is read (<see cref="InstanceStatusClient"/>): counters for the metrics, a reader's lag.
    /// </summary>
    public async Task<InstanceProbe> ProbeAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var status = spec.StatusPort > 0
            ? InstanceStatusClient.TryGetAsync(_state.Host, spec.StatusPort, cancellationToken)
            : Task.FromResult<InstanceStatus?>(null);
        bool answering = await PortProbe.AnswersMySqlAsync(_state.Host, spec.Port, cancellationToken);
        // A status from another instance (a stale port after a change) is no status.
        var reported = await status is { } s && s.Id == spec.Id ? s : null;
        return new InstanceProbe(answering, reported?.Replica?.LagMs, reported);
    }

    public IReadOnlyList<StorageNodeProcess> StorageNodes()
    {
        lock (_stateLock)
        {
            return [.. _state.Processes.Where(p => p.Role == "storage").OrderBy(p => p.NodeId)
                .Select(p => new StorageNodeProcess(p.NodeId, p.Zone ?? "", p.Port, p.State == ProcessStatus.Running && p.Pid > 0, p.Pid, p.Restarts))];
        }
    }

    public async Task<IReadOnlyList<StorageNodeMetrics>> StorageNodeMetricsAsync(CancellationToken cancellationToken)
    {
        if (!_quorum || StorageTopology.TryRead(_data.TopologyFile) is not { } topology)
            return [];
        return await StorageMetricsQuery.QueryAsync(topology.ToNodeInfos(), onResponse => new TcpStorageTransport(onResponse), s_storageMetricsTimeout, cancellationToken);
    }

    /// <summary>
    /// Supervises one instance. A configuration failure at its first start (e.g. a busy port) is not retried (and
    /// stops the cluster when it is the writer's); any other exit is the control plane's decision.
    /// </summary>
    Task<bool> SuperviseInstanceAsync(ProcessState process, InstanceSpec spec, Func<InstanceExit, ExitDecision> onExit, CancellationToken cancellationToken)
    {
        bool first = true;
        return SuperviseAsync(process, () => InstanceArguments(spec), (exit, ranFor) =>
        {
            bool served;
            lock (_stateLock)
                served = _everRunning.Contains(process.Id);
            bool wasFirst = first;
            first = false;
            if (exit == ConfigurationExitCode && wasFirst && !served)
            {
                Log.ChildFailedToStart(_logger, process.Id, exit, _data.LogFile(process.Id));
                if (spec.Role == InstanceRole.Writer)
                    _writerStartFailed.TrySetResult();
                return (false, ProcessStatus.Failed);
            }
            return onExit(new InstanceExit(exit, ranFor, served)) == ExitDecision.Release ? (true, ProcessStatus.Stopped) : null;
        }, TimeSpan.FromSeconds(5), cancellationToken);
    }

    /// <summary>
    /// <c>borealis instance</c>'s arguments for <paramref name="spec"/> (contract 1): a writer gets
    /// <c>--role writer --replication-port RP</c>, a reader <c>--role reader --follow DIR/cluster.json</c>, a writer of a
    /// multi-master cluster <c>--volume-service PORT</c>.
    /// </summary>
    internal List<string> InstanceArguments(InstanceSpec spec)
    {
        var args = new List<string>
        {
            "instance",
            "--id", spec.Id,
            "--tls", _data.TlsDirectory,
            "--port", spec.Port.ToString(CultureInfo.InvariantCulture),
        };
        if (_multiMaster)
            args.AddRange(["--volume-service", VolumeServicePort.ToString(CultureInfo.InvariantCulture)]);
        else
            args.AddRange([_quorum ? "--storage" : "--volume", _quorum ? _data.TopologyFile : _data.VolumeDirectory]);
        args.AddRange(["--tier", spec.Tier.ToString(CultureInfo.InvariantCulture)]);
        if (spec.StatusPort > 0)
            args.AddRange(["--status-port", spec.StatusPort.ToString(CultureInfo.InvariantCulture)]);
        if (_multiMaster)
            return args;
        args.AddRange(spec.Role == InstanceRole.Writer
            ? ["--role", "writer", "--replication-port", spec.ReplicationPort.ToString(CultureInfo.InvariantCulture)]
            : ["--role", "reader", "--follow", _data.StateFile]);
        return args;
    }

    /// <summary>Stops every instance (at shutdown, after the control plane stopped).</summary>
    async Task StopAllInstancesAsync()
    {
        string[] ids;
        lock (_stateLock)
            ids = [.. _instances.Keys];
        await Task.WhenAll(ids.Select(id => StopAsync(id, CancellationToken.None)));
    }
}
