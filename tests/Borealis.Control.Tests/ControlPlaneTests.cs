using Borealis.Testing;

namespace Borealis.Control.Tests;

/// <summary>The control plane on fake processes: topology persistence, automatic and requested failover, add and remove.</summary>
public sealed class ControlPlaneTests : BorealisTest
{
    [Fact]
    public async Task ANewClusterIsOneWriterAndItsReadersOnPortsOfTheirOwnAndSurvivesARestart()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        Assert.Equal(
            ["start instance-1 writer port 40010", "start instance-2 reader port 40013", "start instance-3 reader port 40016"],
            cluster.Processes.Calls);
        await cluster.Control.AddInstanceAsync(InstanceRole.Reader, 0, TestToken);

        // Another control plane on the same file (a supervisor restart) sees the same instances and ids.
        var reopened = InstanceTopology.TryRead(cluster.TopologyFile)!;
        // Each instance has three ports of its own: endpoint, replication, status.
        Assert.Equal(["instance-1:Writer:1:40010:40011:40012", "instance-2:Reader:1:40013:40014:40015", "instance-3:Reader:1:40016:40017:40018", "instance-4:Reader:0:40019:40020:40021"],
            reopened.Instances.Select(i => $"{i.Id}:{i.Role}:{i.Tier}:{i.Port}:{i.ReplicationPort}:{i.StatusPort}"));
        Assert.Equal(5, reopened.NextId);
        var again = ControlPlane.OpenTopology(cluster.Options, newReaders: 7);
        Assert.Equal(4, again.Instances.Count);
    }

    [Fact]
    public void ATopologyWrittenBeforeStatusEndpointsGivesEachInstanceAFreePortForOne()
    {
        using var dir = new TempDirectory("borealis-control");
        var options = new ControlPlaneOptions { TopologyFile = dir.Combine("topology.json"), ClusterPort = 40000, IsPortFree = port => port != 40014 };
        File.WriteAllText(options.TopologyFile, """
            {"nextId":3,"instances":[
              {"id":"instance-1","role":"writer","tier":1,"port":40010,"replicationPort":40011},
              {"id":"instance-2","role":"reader","tier":0,"port":40012,"replicationPort":40013}]}
            """);
        var topology = ControlPlane.OpenTopology(options, newReaders: 0);
        // Each gets the first port no instance uses and nothing listens on (40014 is taken by another program).
        Assert.Equal(["instance-1:40010:40011:40015", "instance-2:40012:40013:40016"],
            topology.Instances.Select(i => $"{i.Id}:{i.Port}:{i.ReplicationPort}:{i.StatusPort}"));
        Assert.Equal([40015, 40016], InstanceTopology.TryRead(options.TopologyFile)!.Instances.Select(i => i.StatusPort));
    }

    [Fact]
    public async Task AKilledWriterFailsOverAtOnceToTheLowestTierHealthyReader()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        await cluster.Control.AddInstanceAsync(InstanceRole.Reader, 0, TestToken);
        await Eventually.AssertAsync(() => cluster.Instance("instance-4").Healthy);
        long before = cluster.Control.Endpoints().Version;
        cluster.Processes.Calls.Clear();

        Assert.Equal(ExitDecision.Release, cluster.Processes.Exit("instance-1", 137));

        await Eventually.AssertAsync(() => cluster.Control.Endpoints().Writer?.Id == "instance-4", because: "instance-4 (tier 0) is promoted");
        Assert.Equal(["stop instance-1", "stop instance-4", "start instance-4 writer port 40019", "start instance-1 reader port 40010"], cluster.Processes.Calls);
        var topology = InstanceTopology.TryRead(cluster.TopologyFile)!;
        Assert.Equal("instance-4", topology.Writer!.Id);
        Assert.Equal(InstanceRole.Reader, topology.Find("instance-1")!.Role);
        var endpoints = cluster.Control.Endpoints();
        Assert.True(endpoints.Version > before);
        await Eventually.AssertAsync(() => cluster.Control.Endpoints().Readers.Select(r => r.Id).SequenceEqual(["instance-1", "instance-2", "instance-3"]));
        var failover = Assert.Single(cluster.Control.Cluster().Events, e => e.Kind == "failover");
        Assert.Equal(("instance-1", "instance-4"), (failover.From, failover.To));
        Assert.Equal(1, cluster.Control.Cluster().Failovers);
    }

    [Fact]
    public async Task ACrashInjectedExitRestartsTheWriterInPlace()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 1);
        Assert.Equal(ExitDecision.Restart, cluster.Processes.Exit("instance-1", ControlPlaneOptions.CrashInjectedExitCode));
        Assert.Equal("instance-1", InstanceTopology.TryRead(cluster.TopologyFile)!.Writer!.Id);
        Assert.Equal("crash-restart", Assert.Single(cluster.Control.Cluster().Events).Kind);
        await Eventually.AssertAsync(() => cluster.Control.Endpoints().Writer?.Id == "instance-1", because: "the writer answers again");
    }

    [Fact]
    public async Task WithoutAHealthyReaderTheWriterRestartsInPlace()
    {
        var clock = new ManualClock();
        await using var cluster = await ControlCluster.StartAsync(readers: 1, configure: o => o with { Time = clock });
        cluster.Processes.NotAnswering.Add("instance-2");
        await Eventually.AssertAsync(() => cluster.Control.Endpoints().Readers.Count == 0);
        // Down for longer than the grace a reader has after its last answer.
        clock.Advance(cluster.Options.FailoverReaderGrace + TimeSpan.FromMilliseconds(1));
        Assert.Equal(ExitDecision.Restart, cluster.Processes.Exit("instance-1", 137));
        Assert.Equal(0, cluster.Control.Cluster().Failovers);
        Assert.Equal("instance-1", InstanceTopology.TryRead(cluster.TopologyFile)!.Writer!.Id);
    }

    [Fact]
    public async Task AKilledWriterFailsOverToAReaderThatAProbeFoundDownJustBefore()
    {
        // The writer dies; its reader loses the redo stream and restarts at once, and a probe sees that before the
        // control plane hears of the writer's exit. The reader answered a moment ago: it is promoted.
        var clock = new ManualClock();
        await using var cluster = await ControlCluster.StartAsync(readers: 1, configure: o => o with { ProbeInterval = TimeSpan.FromHours(1), Time = clock });
        cluster.Processes.Calls.Clear();
        cluster.Processes.NotAnswering.Add("instance-1");
        cluster.Processes.NotAnswering.Add("instance-2");
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            await cluster.Control.ProbeAllAsync(TestToken);
        }
        Assert.Empty(cluster.Control.Endpoints().Readers);
        Assert.Null(cluster.Control.Endpoints().Writer);

        Assert.Equal(ExitDecision.Release, cluster.Processes.Exit("instance-1", 137));
        await Eventually.AssertAsync(() => cluster.Processes.CallsNow().Length == 4, because: "instance-2 is promoted");
        Assert.Equal(["stop instance-1", "stop instance-2", "start instance-2 writer port 40013", "start instance-1 reader port 40010"], cluster.Processes.CallsNow());
        Assert.Equal("instance-2", InstanceTopology.TryRead(cluster.TopologyFile)!.Writer!.Id);

        // A requested failover still needs a reader that answers now.
        cluster.Processes.NotAnswering.Clear();
        cluster.Processes.NotAnswering.Add("instance-1");
        for (int i = 0; i < 3; i++)
            await cluster.Control.ProbeAllAsync(TestToken);
        var refused = await Assert.ThrowsAsync<ControlException>(() => cluster.Control.FailoverAsync(null, TestToken));
        Assert.Equal((409, "no reader is healthy: nothing to fail over to"), (refused.StatusCode, refused.Message));
    }

    [Fact]
    public async Task ARequestedFailoverStopsTheWriterPromotesTheTargetAndBringsTheOldWriterBackAsAReader()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        cluster.Processes.Calls.Clear();

        var result = await cluster.Control.FailoverAsync("instance-3", TestToken);

        Assert.Equal(("instance-1", "instance-3", true), (result.From, result.To, result.Healthy));
        Assert.Equal(["stop instance-1", "stop instance-3", "start instance-3 writer port 40016", "start instance-1 reader port 40010"], cluster.Processes.Calls);
        Assert.Equal("switchover", cluster.Control.Cluster().Events[^1].Kind);
        Assert.Equal("instance-3", cluster.Control.Cluster().Writer);
    }

    [Fact]
    public async Task ARequestedFailoverWithoutTargetTakesTheMostCaughtUpReader()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        cluster.Processes.Lag["instance-2"] = 300;
        cluster.Processes.Lag["instance-3"] = 12;
        await Eventually.AssertAsync(() => cluster.Instance("instance-2").LagMs == 300);
        Assert.Equal("instance-3", (await cluster.Control.FailoverAsync(null, TestToken)).To);
    }

    [Fact]
    public async Task RefusedChangesSayWhyWithTheirStatusCode()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 1);
        cluster.Processes.NotAnswering.Add("instance-2");
        await Eventually.AssertAsync(() => !cluster.Instance("instance-2").Healthy);

        async Task<ControlException> RefusedAsync(Func<Task> action) => await Assert.ThrowsAsync<ControlException>(action);
        var writer = await RefusedAsync(() => cluster.Control.RemoveInstanceAsync("instance-1", TestToken));
        Assert.Equal((409, "instance-1 is the writer: fail over to a reader first (borealis failover), then remove it"), (writer.StatusCode, writer.Message));
        Assert.Equal(404, (await RefusedAsync(() => cluster.Control.RemoveInstanceAsync("instance-9", TestToken))).StatusCode);
        Assert.Equal(409, (await RefusedAsync(() => cluster.Control.FailoverAsync("instance-1", TestToken))).StatusCode);
        var unhealthy = await RefusedAsync(() => cluster.Control.FailoverAsync("instance-2", TestToken));
        Assert.Equal((409, "instance-2 is not healthy: it cannot become the writer"), (unhealthy.StatusCode, unhealthy.Message));
        Assert.Equal((409, "no reader is healthy: nothing to fail over to"), ((await RefusedAsync(() => cluster.Control.FailoverAsync(null, TestToken))) is var e ? (e.StatusCode, e.Message) : default));
        Assert.Equal(400, (await RefusedAsync(() => cluster.Control.AddInstanceAsync(InstanceRole.Writer, 1, TestToken))).StatusCode);
        Assert.Equal((400, "tier must be between 0 and 15 (got 16)"), ((await RefusedAsync(() => cluster.Control.AddInstanceAsync(InstanceRole.Reader, 16, TestToken))) is var t ? (t.StatusCode, t.Message) : default));
        Assert.Equal(["instance-1", "instance-2"], cluster.Control.Instances().Select(i => i.Id));
    }

    [Fact]
    public async Task ARunningReaderLeavesTheEndpointsAtItsThirdFailedProbeInARowAndAnExitedOneAtOnce()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2, configure: o => o with { ProbeInterval = TimeSpan.FromHours(1) });
        string[] Readers() => [.. cluster.Control.Endpoints().Readers.Select(r => r.Id)];

        cluster.Processes.NotAnswering.Add("instance-2");
        await cluster.Control.ProbeAllAsync(TestToken);
        await cluster.Control.ProbeAllAsync(TestToken);
        Assert.Equal(["instance-2", "instance-3"], Readers());
        cluster.Processes.NotAnswering.Remove("instance-2");
        await cluster.Control.ProbeAllAsync(TestToken);
        // The count starts again after an answer.
        cluster.Processes.NotAnswering.Add("instance-2");
        await cluster.Control.ProbeAllAsync(TestToken);
        await cluster.Control.ProbeAllAsync(TestToken);
        Assert.Equal(["instance-2", "instance-3"], Readers());
        await cluster.Control.ProbeAllAsync(TestToken);
        Assert.Equal(["instance-3"], Readers());
        cluster.Processes.NotAnswering.Remove("instance-2");
        await cluster.Control.ProbeAllAsync(TestToken);
        Assert.Equal(["instance-2", "instance-3"], Readers()); // back at its first answer

        Assert.Equal(ExitDecision.Restart, cluster.Processes.Exit("instance-3", 1));
        Assert.Equal(["instance-2"], Readers());
    }

    [Fact]
    public async Task AClusterHasAtMostFifteenReaders()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 14);
        var fifteenth = await cluster.Control.AddInstanceAsync(InstanceRole.Reader, 1, TestToken);
        Assert.Equal("instance-16", fifteenth.Id);
        var refused = await Assert.ThrowsAsync<ControlException>(() => cluster.Control.AddInstanceAsync(InstanceRole.Reader, 1, TestToken));
        Assert.Equal((409, "the cluster already has 15 readers, the most it can have: remove one first"), (refused.StatusCode, refused.Message));
        Assert.Equal(15, cluster.Control.Instances().Count(i => i.Role == InstanceRole.Reader));
        await cluster.Control.RemoveInstanceAsync("instance-2", TestToken);
        Assert.Equal("instance-17", (await cluster.Control.AddInstanceAsync(InstanceRole.Reader, 1, TestToken)).Id);
    }

    [Fact]
    public async Task ReadersAreRefusedWhereTheClusterCannotHaveThem()
    {
        const string why = "readers need quorum storage";
        await using var cluster = await ControlCluster.StartAsync(readers: 0, readersRefusedBecause: why);
        var refused = await Assert.ThrowsAsync<ControlException>(() => cluster.Control.AddInstanceAsync(InstanceRole.Reader, 1, TestToken));
        Assert.Equal((409, why), (refused.StatusCode, refused.Message));
        using var dir = new TempDirectory();
        var fresh = Assert.Throws<ControlException>(() => ControlPlane.OpenTopology(cluster.Options with { TopologyFile = dir.Combine("t.json") }, newReaders: 1));
        Assert.Equal(why, fresh.Message);
    }

    [Fact]
    public async Task ARemovedReaderIsStoppedAndLeavesTheEndpoints()
    {
        await using var cluster = await ControlCluster.StartAsync(readers: 2);
        await cluster.Control.RemoveInstanceAsync("instance-2", TestToken);
        Assert.Contains("stop instance-2", cluster.Processes.Calls);
        Assert.Equal(["instance-3"], cluster.Control.Endpoints().Readers.Select(r => r.Id));
        Assert.Equal(["instance-1", "instance-3"], InstanceTopology.TryRead(cluster.TopologyFile)!.Instances.Select(i => i.Id));
    }

    [Fact]
    public void AMultiMasterTopologyIsReopenedWithItsWritersAndAnyOtherWithExactlyOne()
    {
        using var dir = new TempDirectory("borealis-control");
        var options = new ControlPlaneOptions { TopologyFile = dir.Combine("topology.json"), ClusterPort = 40000, IsPortFree = _ => true };
        var created = ControlPlane.OpenTopology(options, newReaders: 0, newWriters: 3);
        Assert.True(created.MultiMaster);

        // The next start reads the same file back: three writers, no reader.
        var reopened = ControlPlane.OpenTopology(options, newReaders: 0);
        Assert.True(reopened.MultiMaster);
        Assert.Equal(["instance-1", "instance-2", "instance-3"], reopened.Writers.Select(w => w.Id));
        Assert.Empty(reopened.Readers);

        // Several writers without the multi-master mark, or a reader with it, are not a topology.
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(options.TopologyFile))!;
        json["multiMaster"] = false;
        File.WriteAllText(options.TopologyFile, json.ToJsonString());
        Assert.Contains("exactly one writer", Assert.Throws<InvalidDataException>(() => InstanceTopology.TryRead(options.TopologyFile)).Message, StringComparison.Ordinal);
        Assert.Throws<ControlException>(() => ControlPlane.OpenTopology(options with { TopologyFile = dir.Combine("other.json") }, newReaders: 1, newWriters: 2));
    }
}
