using System.Net;

namespace Borealis.Router;

/// <summary>How a <see cref="Router"/> listens and how long it waits.</summary>
public sealed class RouterOptions
{
    /// <summary>The cluster (writer) endpoint; port 0 picks a free port (see <see cref="Router.ClusterPort"/>).</summary>
    public IPEndPoint ClusterEndPoint { get; init; } = new(IPAddress.Loopback, 3306);

    /// <summary>The reader endpoint; port 0 picks a free port (see <see cref="Router.ReaderPort"/>).</summary>
    public IPEndPoint ReaderEndPoint { get; init; } = new(IPAddress.Loopback, 3307);

    /// <summary>
    /// How long a new connection is held while there is no instance to route it to (no writer during a failover, or
    /// no endpoints yet). After it the client connection is closed: MySQL clients report "Lost connection".
    /// </summary>
    public TimeSpan BackendWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a single connect to an instance may take before the next candidate is tried.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Connections (held and proxied, both endpoints) beyond which new ones are closed at once.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>Bytes copied per read; a buffer is rented only while data is in flight, not while a connection idles.</summary>
    public int BufferSize { get; init; } = 16 * 1024;
}
