namespace Borealis.Control;

/// <summary>
/// The processes of the instances, as the control plane sees them. The control plane decides what runs (which
/// instance, which role, which ports); the implementation (Borealis.Hosting's supervisor in a local cluster) owns
/// the OS processes: it starts <c>borealis instance</c> with the arguments of an <see cref="InstanceSpec"/>,
/// restarts it when it exits and the control plane says so, stops it, and probes its endpoint.
/// </summary>
public interface IInstanceProcesses
{
    /// <summary>
    /// Starts supervising the instance's process (started with the arguments for <paramref name="spec"/>). Each time
    /// it exits, <paramref name="onExit"/> decides what happens next. An instance already supervised is an error.
    /// </summary>
    void Start(InstanceSpec spec, Func<InstanceExit, ExitDecision> onExit);

    /// <summary>Stops the process gracefully (SIGTERM, SIGKILL after a grace) and forgets it; nothing when unknown.</summary>
    Task StopAsync(string id, CancellationToken cancellationToken);

    /// <summary>The process's state; null when the instance is not supervised.</summary>
    InstanceProcessStatus? Status(string id);

    /// <summary>
    /// Whether the instance answers on its endpoint (connects and reads a MySQL greeting), and what its status
    /// endpoint reports (<see cref="InstanceStatus"/>: counters, a reader's lag) when it answers too.
    /// </summary>
    Task<InstanceProbe> ProbeAsync(InstanceSpec spec, CancellationToken cancellationToken);

    /// <summary>The storage nodes of the cluster (for <c>/v1/cluster</c> and <c>/metrics</c>); empty with a local volume.</summary>
    IReadOnlyList<StorageNodeProcess> StorageNodes();

    /// <summary>
    /// Asks each storage node now for its segments' SCLs, its queue and its fsync latency (for <c>/metrics</c>); a
    /// node that does not answer in time is left out. Empty with a local volume.
    /// </summary>
    Task<IReadOnlyList<StorageNodeMetrics>> StorageNodeMetricsAsync(CancellationToken cancellationToken);
}

/// <summary>An instance process exited on its own.</summary>
/// <param name="ExitCode">The exit code; 128 + N when killed by signal N.</param>
/// <param name="RanFor">How long it ran.</param>
/// <param name="EverServed">Whether this instance ever accepted connections (a later exit is a crash, not a failed start).</param>
public readonly record struct InstanceExit(int ExitCode, TimeSpan RanFor, bool EverServed);

public enum ExitDecision
{
    /// <summary>Start it again in place (same role, with back-off).</summary>
    Restart,

    /// <summary>Stop supervising it: the control plane takes over (a failover restarts it in another role).</summary>
    Release,
}

public enum InstanceProcessState
{
    Starting,
    Running,
    Restarting,
    Stopped,
    Failed,
}

/// <summary>The process of an instance: <see cref="Pid"/> 0 when none runs.</summary>
public readonly record struct InstanceProcessStatus(InstanceProcessState State, int Pid, int Restarts);

/// <summary>What a probe of an instance's endpoint found.</summary>
/// <param name="Answering">It accepted a connection and sent a MySQL greeting.</param>
/// <param name="LagMs">A reader's replica lag in milliseconds, when known.</param>
/// <param name="Status">What its status endpoint reported (counters, lag percentiles); null when it did not answer.</param>
public readonly record struct InstanceProbe(bool Answering, double? LagMs = null, InstanceStatus? Status = null);

/// <summary>One storage node of the cluster and whether its process is up.</summary>
public sealed record StorageNodeProcess(int Id, string Zone, int Port, bool Up, int Pid, int Restarts);
