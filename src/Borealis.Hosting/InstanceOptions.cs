using System.Net;
using Borealis.Control;

namespace Borealis.Hosting;

/// <summary>One database instance (<c>borealis instance</c>): where its volume is and how it is reached.</summary>
public sealed record InstanceOptions
{
    /// <summary>The instance id (@@aurora_server_id), e.g. "writer-1".</summary>
    public string Id { get; init; } = "writer-1";

    /// <summary>The directory of a local volume (development; no storage nodes). Exactly one of this and <see cref="StorageTopologyFile"/>.</summary>
    public string? VolumeDirectory { get; init; }

    /// <summary>
    /// Multi-master: the volume service (<c>borealis volume-service</c>) of the cluster's volume; this instance is one of
    /// its writers. Instead of <see cref="VolumeDirectory"/> and <see cref="StorageTopologyFile"/>.
    /// </summary>
    public IPEndPoint? VolumeService { get; init; }

    /// <summary>The storage fleet's topology file (<see cref="StorageTopology"/>): the volume is the quorum volume on those nodes.</summary>
    public string? StorageTopologyFile { get; init; }

    /// <summary>How long opening the quorum volume may wait for a quorum of storage nodes.</summary>
    public TimeSpan StorageOpenTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the TLS certificate is kept (generated on first start); null: no TLS.</summary>
    public string? TlsDirectory { get; init; }

    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 3306);

    public required string AdminPassword { get; init; }

    /// <summary>Writer (the volume's only writer; serves the redo stream) or reader (a read replica on the same volume).</summary>
    public InstanceRole Role { get; init; } = InstanceRole.Writer;

    /// <summary>Promotion tier 0–15 (0 is promoted first); reported, the control plane decides.</summary>
    public int Tier { get; init; } = 1;

    /// <summary>Writer: the 127.0.0.1 port replicas subscribe to its redo stream on (0: any free port); null: no replicas.</summary>
    public int? ReplicationPort { get; init; }

    /// <summary>Reader: the cluster state file (<c>DIR/cluster.json</c>) that names the current writer's replication port.</summary>
    public string? FollowFile { get; init; }

    /// <summary>How long a reader waits for a writer to follow before giving up.</summary>
    public TimeSpan WriterWaitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The 127.0.0.1 port of the status endpoint (<c>GET /v1/status</c>, <see cref="InstanceStatusServer"/>; 0: any free
    /// port); null: none.
    /// </summary>
    public int? StatusPort { get; init; }

    /// <summary>Upper bound of the engine's buffer cache.</summary>
    public long CacheBytes { get; init; } = 256L * 1024 * 1024;
}
