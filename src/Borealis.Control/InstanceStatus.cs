namespace Borealis.Control;

/// <summary>
/// What an instance reports of itself on its status endpoint, <c>GET http://127.0.0.1:STATUS_PORT/v1/status</c>
/// (docs/api.md, "Instance status endpoint"; JSON in snake_case, <see cref="ControlApi.Json"/>). The supervisor's
/// probe reads it; the control plane keeps the last one of each instance for <c>/metrics</c> and takes a reader's lag
/// from it. Counters count from the start of the instance's process (a restart starts them again at 0).
/// Keep the names stable: benchmarks and operators read them.
/// </summary>
public sealed record InstanceStatus
{
    /// <summary>The instance id (@@aurora_server_id).</summary>
    public required string Id { get; init; }

    /// <summary>The role the process runs in.</summary>
    public required InstanceRole Role { get; init; }

    public int Tier { get; init; }

    /// <summary>The instance's process id.</summary>
    public int Pid { get; init; }

    /// <summary>Seconds since the instance's endpoint started.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>The newest commit visible on this instance (a reader: the newest applied).</summary>
    public ulong CommittedLsn { get; init; }

    /// <summary>The volume durable LSN (VDL) as this instance knows it.</summary>
    public ulong DurableLsn { get; init; }

    /// <summary>Write transactions this instance committed (0 on a reader: see <see cref="InstanceReplicaStatus.AppliedCommits"/>).</summary>
    public long Commits { get; init; }

    /// <summary>Statements received from clients: each statement of a text query, each prepared-statement execution (MySQL's Questions).</summary>
    public long Queries { get; init; }

    /// <summary>Client sessions open now: logged in (MySQL's Threads_connected; a probe's greeting connection is not one).</summary>
    public int Connections { get; init; }

    /// <summary>Connections the MySQL endpoint accepted, the probes' greeting connections included (MySQL's Connections).</summary>
    public long ConnectionsTotal { get; init; }

    /// <summary>Page reads the buffer cache served.</summary>
    public long BufferCacheHits { get; init; }

    /// <summary>Page reads that went to the volume (storage).</summary>
    public long BufferCacheMisses { get; init; }

    /// <summary>hits / (hits + misses) since start; null before the first page read.</summary>
    public double? BufferCacheHitRatio { get; init; }

    /// <summary>A reader's replication; null on the writer.</summary>
    public InstanceReplicaStatus? Replica { get; init; }
}

/// <summary>A reader's replication, in <see cref="InstanceStatus.Replica"/>.</summary>
public sealed record InstanceReplicaStatus
{
    /// <summary>The writer whose redo stream this reader follows.</summary>
    public required string WriterId { get; init; }

    /// <summary>
    /// Replica lag of the newest applied commit: time from the writer's VDL advance that covered it to its visibility
    /// here, in milliseconds (0 before the first commit applied: the reader starts caught up).
    /// </summary>
    public double LagMs { get; init; }

    /// <summary>Median lag of the commits applied in the window (<see cref="LagWindowSeconds"/>); null when none.</summary>
    public double? LagP50Ms { get; init; }

    /// <summary>99th percentile (nearest rank) of the window's lags; null when none.</summary>
    public double? LagP99Ms { get; init; }

    /// <summary>Largest lag in the window; null when none.</summary>
    public double? LagMaxMs { get; init; }

    /// <summary>Commits applied in the window: the lags the percentiles are computed over.</summary>
    public int LagSamples { get; init; }

    /// <summary>The window: commits applied in the last this many seconds (at most the newest 10,000 of them).</summary>
    public double LagWindowSeconds { get; init; }

    /// <summary>Commits of the writer's redo stream applied since the reader started.</summary>
    public long AppliedCommits { get; init; }
}
