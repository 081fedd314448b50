using System.Net;

namespace Borealis.Hosting;

/// <summary>One database instance (<c>borealis instance</c>): where its volume is and how it is reached.</summary>
public sealed record InstanceOptions
{
    /// <summary>The instance id (@@aurora_server_id), e.g. "writer-1".</summary>
    public string Id { get; init; } = "writer-1";

    public required string VolumeDirectory { get; init; }

    /// <summary>Where the TLS certificate is kept (generated on first start); null: no TLS.</summary>
    public string? TlsDirectory { get; init; }

    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 3306);

    public required string AdminPassword { get; init; }

    /// <summary>Upper bound of the engine's buffer cache.</summary>
    public long CacheBytes { get; init; } = 256L * 1024 * 1024;
}
