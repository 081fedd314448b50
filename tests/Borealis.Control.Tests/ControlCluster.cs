using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Control.Tests;

/// <summary>A control plane on fake processes and a temporary topology file (cluster port 40000, every port free).</summary>
internal sealed class ControlCluster : IAsyncDisposable
{
    readonly TempDirectory _dir = new("borealis-control");

    ControlCluster(int readers, string? readersRefusedBecause, Func<ControlPlaneOptions, ControlPlaneOptions>? configure)
    {
        var options = new ControlPlaneOptions
        {
            TopologyFile = _dir.Combine("topology.json"),
            ClusterPort = 40000,
            IsPortFree = _ => true,
            ReadersRefusedBecause = readersRefusedBecause,
            ProbeInterval = TimeSpan.FromMilliseconds(20),
            SwitchoverWait = TimeSpan.FromSeconds(10),
        };
        Options = configure is null ? options : configure(options);
        Control = new ControlPlane(ControlPlane.OpenTopology(Options, readers), Options, Processes, NullLogger.Instance);
    }

    public ControlPlaneOptions Options { get; }

    public FakeInstanceProcesses Processes { get; } = new();

    public ControlPlane Control { get; }

    public string TopologyFile => Options.TopologyFile;

    /// <summary>
    /// Starts a cluster of one writer and <paramref name="readers"/> readers and waits until all are healthy;
    /// <paramref name="configure"/> changes the default options.
    /// </summary>
    public static async Task<ControlCluster> StartAsync(int readers = 2, string? readersRefusedBecause = null, Func<ControlPlaneOptions, ControlPlaneOptions>? configure = null)
    {
        var cluster = new ControlCluster(readers, readersRefusedBecause, configure);
        cluster.Control.Start();
        await Eventually.AssertAsync(() => cluster.Control.Cluster().Instances.All(i => i.Healthy), because: "every instance is healthy");
        return cluster;
    }

    public InstanceView Instance(string id) => Control.Cluster().Instances.Single(i => i.Id == id);

    public async ValueTask DisposeAsync()
    {
        await Control.DisposeAsync();
        _dir.Dispose();
    }
}
