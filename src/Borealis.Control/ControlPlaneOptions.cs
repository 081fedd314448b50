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

    /// <summary>
    /// Failed probes in a row that make a healthy instance whose process runs unhealthy (it then leaves the
    /// endpoints and the router closes its connections). An exited process is unhealthy at once.
    /// </summary>
    public int UnhealthyAfterFailedProbes { get; init; } = 3;

    /// <summary>
    /// How long the writer's process may keep running while failing every health probe (stopped, deadlocked: hung)
    /// before the control plane treats it as dead: it fails over to the best healthy reader as for a crash, or
    /// restarts the writer in place when no reader is healthy. Two probes' worth (a probe waits a second for the
    /// greeting), so that one slow answer is not a failover; Aurora also detects a failed writer in seconds.
    /// </summary>
    public TimeSpan WriterHangTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after its last answer a reader may still be promoted by an automatic failover. When the writer dies
    /// its readers lose its redo stream and restart (at once after a crash, after 3 s of silence when it hangs), so
    /// a probe may find them down a moment before the control plane learns of the writer's death; a reader that
    /// answered this recently is promoted all the same (promotion restarts its process as the writer anyway).
    /// </summary>
    public TimeSpan FailoverReaderGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The clock that times <see cref="WriterHangTimeout"/>, <see cref="FailoverReaderGrace"/> and the rates over
    /// <see cref="RateInterval"/> (a test's manual clock).
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

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
