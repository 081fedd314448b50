using System.Net;

namespace Borealis.Hosting;

/// <summary>One database instance (<c>borealis instance</c>): where its volume is and how it is reached.</summary>
public sealed record InstanceOptions
{
    /// <summary>The instance id (@@aurora_server_id), e.g. "writer-1".</summary>
    public string Id { get; init; } = "writer-1";

    /// <summary>The directory of a local volume (development; no storage nodes). Exactly one of this and <see cref="StorageTopologyFile"/>.</summary>
    public string? VolumeDirectory { get; init; }

    /// <summary>The storage fleet's topology file (<see cref="StorageTopology"/>): the volume is the quorum volume on those nodes.</summary>
    public string? StorageTopologyFile { get; init; }

    /// <summary>How long opening the quorum volume may wait for a quorum of storage nodes.</summary>
    public TimeSpan StorageOpenTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the TLS certificate is kept (generated on first start); null: no TLS.</summary>
    public string? TlsDirectory { get; init; }

    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 3306);

    public required string AdminPassword { get; init; }

    /// <summary>Upper bound of the engine's buffer cache.</summary>
    public long CacheBytes { get; init; } = 256L * 1024 * 1024;
}
