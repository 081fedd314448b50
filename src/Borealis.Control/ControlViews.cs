namespace Borealis.Control;

/// <summary><c>GET /v1/endpoints</c>: the healthy instances, as the router needs them.</summary>
/// <param name="Version">Increases on every change of what this answer says.</param>
/// <param name="Writer">The writer (multi-master: the first healthy writer).</param>
/// <param name="Writers">Every healthy writer: one, or 2-4 in a multi-master cluster (the cluster endpoint balances over them).</param>
public sealed record EndpointsView(long Version, EndpointView? Writer, IReadOnlyList<EndpointView> Readers, IReadOnlyList<EndpointView> Writers);

public sealed record EndpointView(string Id, string Host, int Port);

/// <summary><c>GET /v1/cluster</c>: every instance and storage node, and what happened recently.</summary>
public sealed record ClusterView(
    long Version,
    string? Writer,
    IReadOnlyList<InstanceView> Instances,
    IReadOnlyList<StorageNodeProcess> StorageNodes,
    int Failovers,
    IReadOnlyList<ControlEvent> Events);

/// <summary>One instance: its place in the topology, its process and its health.</summary>
/// <param name="State">starting, running, restarting, stopped or failed (the process).</param>
/// <param name="Healthy">The process runs and answers on its endpoint.</param>
/// <param name="LagMs">A reader's replica lag, when known.</param>
public sealed record InstanceView(
    string Id,
    InstanceRole Role,
    int Tier,
    string Host,
    int Port,
    int ReplicationPort,
    int Pid,
    string State,
    bool Healthy,
    double? LagMs,
    int Restarts)
{
    /// <summary>The instance's status endpoint (<c>GET /v1/status</c> on 127.0.0.1); 0 when it has none.</summary>
    public int StatusPort { get; init; }
}

/// <summary>The answer to a failover: who was and who is the writer.</summary>
public sealed record FailoverResult(string From, string To, bool Healthy, long ElapsedMs);
