using Borealis.Testing;

namespace Borealis.Control.Tests;

/// <summary>
/// A writer whose process runs but does not answer (stopped, deadlocked) is replaced as for a crash once it has
/// failed its probes for <see cref="ControlPlaneOptions.WriterHangTimeout"/>, and not before. The probes are driven
/// by the test on a manual clock (the health loop probes once at start, then waits an hour).
/// </summary>
public sealed class WriterHangTests : BorealisTest
{
    static readonly TimeSpan s_hangTimeout = TimeSpan.FromSeconds(2);

    readonly ManualClock _clock = new();

    Task<ControlCluster> StartAsync(int readers) => ControlCluster.StartAsync(readers, configure: o => o with
    {
        ProbeInterval = TimeSpan.FromHours(1),
        WriterHangTimeout = s_hangTimeout,
        Time = _clock,
    });

    /// <summary>Moves the clock on by <paramref name="ms"/> milliseconds and probes every instance once.</summary>
    async Task ProbeAfterAsync(ControlCluster cluster, double ms)
    {
        _clock.Advance(TimeSpan.FromMilliseconds(ms));
        await cluster.Control.ProbeAllAsync(TestToken);
    }

    static List<ControlEvent> Hangs(ControlCluster cluster) => [.. cluster.Control.Cluster().Events.Where(e => e.Kind == "writer-hung")];

    [Fact]
    public async Task AWriterThatRunsButDoesNotAnswerIsReplacedOnceTheHangTimeoutHasPassedAndNotBefore()
    {
        await using var cluster = await StartAsync(readers: 2);
        cluster.Processes.Lag["instance-2"] = 300;
        cluster.Processes.Lag["instance-3"] = 12;
        // The hung process does not stop when asked (as a SIGSTOPped one, until it is killed).
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Processes.SlowToStop["instance-1"] = killed;
        cluster.Processes.Calls.Clear();

        cluster.Processes.NotAnswering.Add("instance-1");
        await ProbeAfterAsync(cluster, 0);
        await ProbeAfterAsync(cluster, 1000);
        Assert.Equal("instance-1", cluster.Control.Endpoints().Writer?.Id); // two failed probes are tolerated
        await ProbeAfterAsync(cluster, 999);
        Assert.Null(cluster.Control.Endpoints().Writer); // out of the endpoints at its third
        Assert.Empty(Hangs(cluster));
        Assert.Empty(cluster.Processes.CallsNow());
        Assert.Equal("instance-1", InstanceTopology.TryRead(cluster.TopologyFile)!.Writer!.Id);

        await ProbeAfterAsync(cluster, 1);
        var hung = Assert.Single(Hangs(cluster));
        Assert.Equal(("instance-1", "instance-3", "running but not answering for 2000 ms; failing over to instance-3"), (hung.From, hung.To, hung.Detail));

        // The new writer starts while the hung process has not stopped yet: its epoch fences that process.
        await Eventually.AssertAsync(() => cluster.Processes.CallsNow().Length == 3, because: "the new writer starts without waiting for the old process");
        Assert.Equal(["stop instance-3", "start instance-3 writer port 40016", "stop instance-1"], cluster.Processes.CallsNow());
        var topology = InstanceTopology.TryRead(cluster.TopologyFile)!;
        Assert.Equal(("instance-3", InstanceRole.Reader), (topology.Writer!.Id, topology.Find("instance-1")!.Role));
        // The hung process ends (killed) while being stopped: it is not restarted in its old role.
        Assert.Equal(ExitDecision.Release, cluster.Processes.Exit("instance-1", 137));

        killed.SetResult();
        await Eventually.AssertAsync(() => cluster.Processes.CallsNow().Length == 4, because: "the old writer comes back as a reader");
        Assert.Equal("start instance-1 reader port 40010", cluster.Processes.CallsNow()[3]);
        var failover = Assert.Single(cluster.Control.Cluster().Events, e => e.Kind == "failover");
        Assert.Equal(("instance-1", "instance-3", "writer hung (not answering for 2000 ms)"), (failover.From, failover.To, failover.Detail));
        Assert.Equal(1, cluster.Control.Cluster().Failovers);

        cluster.Processes.NotAnswering.Remove("instance-1");
        await ProbeAfterAsync(cluster, 100);
        var endpoints = cluster.Control.Endpoints();
        Assert.Equal("instance-3", endpoints.Writer?.Id);
        Assert.Equal(["instance-1", "instance-2"], endpoints.Readers.Select(r => r.Id));
    }

    [Fact]
    public async Task ABlipShorterThanTheHangTimeoutDoesNotFailOverAndTheCountStartsAgain()
    {
        await using var cluster = await StartAsync(readers: 1);
        cluster.Processes.Calls.Clear();

        cluster.Processes.NotAnswering.Add("instance-1");
        await ProbeAfterAsync(cluster, 0);
        await ProbeAfterAsync(cluster, 1500);
        cluster.Processes.NotAnswering.Remove("instance-1");
        await ProbeAfterAsync(cluster, 400);
        Assert.Equal("instance-1", cluster.Control.Endpoints().Writer?.Id);

        // Silent again: 4 s after the first failure, but only 1.9 s since this silence began.
        cluster.Processes.NotAnswering.Add("instance-1");
        await ProbeAfterAsync(cluster, 200);
        await ProbeAfterAsync(cluster, 1900);
        Assert.Empty(Hangs(cluster));
        Assert.Empty(cluster.Processes.CallsNow());
        Assert.Equal(0, cluster.Control.Cluster().Failovers);

        await ProbeAfterAsync(cluster, 100);
        Assert.Equal("instance-2", Assert.Single(Hangs(cluster)).To);
        await Eventually.AssertAsync(() => cluster.Control.Cluster().Failovers == 1, because: "the second silence lasted the hang timeout");
        await Eventually.AssertAsync(() => cluster.Processes.CallsNow().Length == 4);
        Assert.Equal(["stop instance-2", "start instance-2 writer port 40013", "stop instance-1", "start instance-1 reader port 40010"], cluster.Processes.CallsNow());
    }

    [Fact]
    public async Task AWriterWhoseProcessIsNotRunningIsNotHung()
    {
        await using var cluster = await StartAsync(readers: 1);
        cluster.Processes.Calls.Clear();

        // Starting (e.g. restarting in place after ALTER SYSTEM CRASH): not answering, but not hung either.
        cluster.Processes.SetState("instance-1", InstanceProcessState.Starting);
        cluster.Processes.NotAnswering.Add("instance-1");
        await ProbeAfterAsync(cluster, 0);
        await ProbeAfterAsync(cluster, 5000);
        Assert.Empty(Hangs(cluster));
        Assert.Empty(cluster.Processes.CallsNow());

        // Running but silent: the count starts when it runs.
        cluster.Processes.SetState("instance-1", InstanceProcessState.Running);
        await ProbeAfterAsync(cluster, 0);
        await ProbeAfterAsync(cluster, 1999);
        Assert.Empty(Hangs(cluster));
        await ProbeAfterAsync(cluster, 1);
        Assert.Single(Hangs(cluster));
    }

    [Fact]
    public async Task AHungWriterWithoutAHealthyReaderIsRestartedInPlace()
    {
        await using var cluster = await StartAsync(readers: 1);
        cluster.Processes.Calls.Clear();
        // The reader has been down for longer than the grace after its last answer (at 0 ms) when the writer hangs.
        cluster.Processes.NotAnswering.Add("instance-2");
        await ProbeAfterAsync(cluster, 0);
        cluster.Processes.NotAnswering.Add("instance-1");
        await ProbeAfterAsync(cluster, 4000);
        await ProbeAfterAsync(cluster, 2000);

        var hung = Assert.Single(Hangs(cluster));
        Assert.Equal(("instance-1", null, "running but not answering for 2000 ms; no healthy reader: restarting it in place"), (hung.From, hung.To, hung.Detail));
        await Eventually.AssertAsync(() => cluster.Processes.CallsNow().Length == 2, because: "the writer is restarted");
        Assert.Equal(["stop instance-1", "start instance-1 writer port 40010"], cluster.Processes.CallsNow());
        Assert.Equal(0, cluster.Control.Cluster().Failovers);
        Assert.Equal("instance-1", InstanceTopology.TryRead(cluster.TopologyFile)!.Writer!.Id);

        cluster.Processes.NotAnswering.Remove("instance-1");
        await ProbeAfterAsync(cluster, 100);
        Assert.Equal("instance-1", cluster.Control.Endpoints().Writer?.Id);
    }
}
