using System.Net;
using System.Net.Sockets;

namespace Borealis.Control;

/// <summary>How the control plane runs.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>Where the instance topology is kept (<c>DIR/topology.json</c>).</summary>
    public required string TopologyFile { get; init; }

    /// <summary>The cluster endpoint port; instance ports of new instances are taken from <c>ClusterPort + 10</c> upward.</summary>
    public required int ClusterPort { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Why readers cannot be added (e.g. the cluster runs on a local volume); null when they can.</summary>
    public string? ReadersRefusedBecause { get; init; }

    /// <summary>How often every instance's endpoint is probed.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a requested failover waits for the new writer to answer before it returns.</summary>
    public TimeSpan SwitchoverWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a port can be given to a new instance (default: nothing listens on 127.0.0.1:port).</summary>
    public Func<int, bool> IsPortFree { get; init; } = DefaultIsPortFree;

    /// <summary>The exit code of an instance crashed on purpose (<c>ALTER SYSTEM CRASH</c>): restarted in place, no failover.</summary>
    public const int CrashInjectedExitCode = 86;

    /// <summary>How many events <c>/v1/cluster</c> keeps.</summary>
    public int EventsKept { get; init; } = 100;

    /// <summary>The shortest time over which commits/s and queries/s are measured from the instances' counters.</summary>
    public TimeSpan RateInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock the rates are measured with (tests set their own).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    static bool DefaultIsPortFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
