using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

public sealed class StorageNodeRepairTests : BorealisTest
{
    static VolumeEpoch E1 => new(1);

    static StorageNodeOptions SmallCheckpoints(int id) => TestNode.DefaultOptions(id, checkpointBytes: 1500);

    static SegmentFrame[] WriteMany(TestWriter writer, int count, int seed) =>
        [.. Enumerable.Range(seed, count).Select(i => writer.Write((uint)(i % 5 + 1), i))];

    static void AssertPagesFrom(TestNode node, TestWriter writer, VolumeEpoch epoch, Lsn from, Lsn to)
    {
        for (ulong lsn = from.Value; lsn <= to.Value; lsn++)
        {
            var asOf = new Lsn(lsn);
            for (uint page = 1; page <= 8; page++)
            {
                var response = Assert.IsType<PageResponse>(node.GetPage(epoch, 0, page, asOf, writer.GroupTailAt(0, asOf)));
                Assert.Equal(writer.PageAt(new PageId(page), asOf), response.Image.ToArray());
            }
        }
    }

    /// <summary>Two nodes hosting group 0, with 40 frames checkpointed up to frames[30].</summary>
    static (TestCluster Cluster, TestWriter Writer, SegmentFrame[] Frames) TwoCheckpointedNodes()
    {
        var cluster = new TestCluster(2, SmallCheckpoints);
        var (_, writer) = cluster.Start([1, 2]);
        var frames = WriteMany(writer, 40, 1);
        cluster.Append(E1, frames[30].Last, frames);
        cluster.Tick();
        return (cluster, writer, frames);
    }

    [Fact]
    public void ACheckpointCoalescesBelowTheHorizonAndOldLogFilesGo()
    {
        using var cluster = new TestCluster(1, SmallCheckpoints);
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var frames = WriteMany(writer, 40, 1);
        var horizon = frames[24].Last;
        cluster.Append(E1, horizon, frames);
        Assert.Equal([FileNames.NodeLog(1)], node.MemoryDisk.List(FileNames.NodeLogPrefix));

        cluster.Tick();
        var status = node.Status(0);
        Assert.Equal(horizon, status.LogStart);
        Assert.Equal(frames[^1].Last, status.Scl);
        Assert.True(node.MemoryDisk.Exists(FileNames.Checkpoint(0)));

        var tooOld = Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 1, new Lsn(horizon.Value - 1), Lsn.Zero));
        Assert.Equal(StorageStatus.TooOld, tooOld.Status);
        AssertPagesFrom(node, writer, E1, horizon, frames[^1].Last);
        Assert.Equal(frames.Skip(25).Select(f => f.First), node.ReadLog(E1, 0, horizon).Frames.Select(f => f.First));

        node.Restart(crash: true);
        Assert.Equal(horizon, node.Status(0).LogStart);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        AssertPagesFrom(node, writer, E1, horizon, frames[^1].Last);

        // A second checkpoint builds on the first one's images.
        var more = WriteMany(writer, 30, 100);
        cluster.Append(E1, more[20].Last, more);
        cluster.Tick();
        Assert.Equal(more[20].Last, node.Status(0).LogStart);
        // The new frames went to a second file (the first had passed its size); every frame of the first is now at
        // or below the base, so it went.
        Assert.Equal([FileNames.NodeLog(2)], node.MemoryDisk.List(FileNames.NodeLogPrefix));
        AssertPagesFrom(node, writer, E1, more[20].Last, more[^1].Last);
    }

    [Fact]
    public void ACrashAtAnyStepOfACheckpointLosesNothingAcknowledged()
    {
        for (int step = 1; ; step++)
        {
            using var cluster = new TestCluster(1, SmallCheckpoints);
            var (_, writer) = cluster.Start([1]);
            var node = cluster[1];
            var frames = WriteMany(writer, 40, 1);
            // Two appends: the second goes to a new log file, so the checkpoint (at frames[15]) copies frames 16-19
            // out of the first file, and the first file goes.
            var horizon = frames[15].Last;
            cluster.Append(E1, horizon, frames[..20]);
            cluster.Append(E1, horizon, frames[20..]);
            Assert.Equal([FileNames.NodeLog(1), FileNames.NodeLog(2)], node.MemoryDisk.List(FileNames.NodeLogPrefix));

            node.MemoryDisk.FailAfter = step;
            node.Core.Tick();
            bool completed = node.MemoryDisk.FailAfter > 0;
            node.Restart(crash: true);

            var status = node.Status(0);
            Assert.Equal(frames[^1].Last, status.Scl);
            Assert.True(status.LogStart == Lsn.Zero || status.LogStart == horizon, $"step {step}: base {status.LogStart}");
            AssertPagesFrom(node, writer, E1, status.LogStart, frames[^1].Last);
            if (completed)
            {
                Assert.True(step > 10, $"the checkpoint took only {step - 1} disk steps");
                Assert.Equal(horizon, status.LogStart);
                Assert.Equal([FileNames.NodeLog(2)], node.MemoryDisk.List(FileNames.NodeLogPrefix));
                break;
            }
        }
    }

    [Fact]
    public void ANewMemberHydratesFromImagesAndLogsOfTwoPeers()
    {
        using var cluster = new TestCluster(3, SmallCheckpoints);
        var (map1, writer) = cluster.Start([1, 2]);
        var old = WriteMany(writer, 40, 1);
        cluster.Append(E1, old[30].Last, old, 1, 2);
        cluster.Tick();
        Assert.Equal(old[30].Last, cluster[1].Status(0).LogStart);
        Assert.Equal(old[30].Last, cluster[2].Status(0).LogStart);
        var recent = WriteMany(writer, 4, 200);
        cluster.Append(E1, old[30].Last, recent, 1, 2);
        var last = writer.Write(3, 300);
        cluster.Append(E1, old[30].Last, [last], 2);

        var map2 = map1 with { Version = 2, Groups = [map1.Groups[0] with { MembershipEpoch = 2, Next = [new NodeId(1), new NodeId(2), new NodeId(3)] }] };
        cluster.SetMap(map2);
        var node = cluster[3];
        Assert.Equal("hydrating", node.Status(0).State);
        Assert.Equal(StorageStatus.NotCaughtUp, Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 1, last.Last, last.Last)).Status);

        // The first peer asked (node 1) gives the images and the log it has; the frame only node 2 holds comes from
        // the periodic exchange with the next peer.
        cluster.Tick(2);
        Assert.Equal(recent[^1].Last, node.Scl(0));
        cluster.Tick(PeriodicRounds);
        var status = node.Status(0);
        Assert.Equal(last.Last, status.Scl);
        Assert.Equal("healthy", status.State);
        Assert.True(status.LogStart >= old[30].Last);
        Assert.True(node.MemoryDisk.Exists(FileNames.Checkpoint(0)));
        AssertPagesFrom(node, writer, E1, status.LogStart, last.Last);

        // The hydrated base is durable.
        node.Restart(crash: true);
        Assert.Equal(status.LogStart, node.Status(0).LogStart);
        Assert.Equal(last.Last, node.Scl(0));
        AssertPagesFrom(node, writer, E1, status.LogStart, last.Last);
    }

    [Fact]
    public void ReadImagesPagesThroughTheGroupAtTheNewestDurableChainPosition()
    {
        using var cluster = new TestCluster(1, SmallCheckpoints);
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var frames = WriteMany(writer, 40, 1);
        // Frames above the durable point may still be voided by a truncation: images are never taken above it.
        var durable = frames[30].Last;
        Assert.IsType<AppendResponse>(node.Request(new AppendRequest(E1, durable, 0, frames[20].Last, frames)));
        cluster.Tick();
        Assert.Equal(frames[20].Last, node.Status(0).LogStart);

        var images = new List<PageImage>();
        var from = new PageId(1);
        var asOf = Lsn.Zero;
        do
        {
            var response = Assert.IsType<ReadImagesResponse>(node.Request(new ReadImagesRequest(E1, 0, asOf, from, 2)));
            Assert.Equal(durable, response.AsOf);
            Assert.True(response.Images.Count <= 2);
            asOf = response.AsOf;
            images.AddRange(response.Images);
            from = response.NextPage;
        }
        while (from.Value != 0);
        Assert.Equal([1u, 2u, 3u, 4u, 5u], images.Select(i => i.Page.Value));
        foreach (var image in images)
            Assert.Equal(writer.PageAt(image.Page, asOf), image.Image.ToArray());

        var tooOld = Assert.IsType<ErrorResponse>(node.Request(new ReadImagesRequest(E1, 0, frames[10].Last, new PageId(1), 8)));
        Assert.Equal(StorageStatus.TooOld, tooOld.Status);
        var atBase = Assert.IsType<ReadImagesResponse>(node.Request(new ReadImagesRequest(E1, 0, frames[20].Last, new PageId(1), 8)));
        Assert.All(atBase.Images, i => Assert.Equal(writer.PageAt(i.Page, frames[20].Last), i.Image.ToArray()));
    }

    [Fact]
    public void ACrashAtAnyStepOfAHydrationIsRecoveredByHydratingAgain()
    {
        for (int step = 1; ; step++)
        {
            using var cluster = new TestCluster(3, SmallCheckpoints);
            var (map1, writer) = cluster.Start([1, 2]);
            var frames = WriteMany(writer, 40, 1);
            cluster.Append(E1, frames[30].Last, frames, 1, 2);
            cluster.Tick();
            cluster.SetMap(map1 with { Version = 2, Groups = [map1.Groups[0] with { Next = [new NodeId(1), new NodeId(2), new NodeId(3)] }] });
            var node = cluster[3];

            node.MemoryDisk.FailAfter = step;
            cluster.Tick(2);
            bool completed = node.MemoryDisk.FailAfter > 0;
            node.Restart(crash: true);
            cluster.Tick(2);

            var status = node.Status(0);
            Assert.Equal(frames[^1].Last, status.Scl);
            Assert.Equal("healthy", status.State);
            AssertPagesFrom(node, writer, E1, status.LogStart, frames[^1].Last);
            if (completed)
            {
                Assert.True(step > 10, $"hydration took only {step - 1} disk steps");
                break;
            }
        }
    }

    [Fact]
    public void ADamagedCheckpointImageIsNeverServedAndTheSegmentRehydrates()
    {
        var (cluster, writer, frames) = TwoCheckpointedNodes();
        using var _ = cluster;
        var node = cluster[1];
        Assert.Equal(frames[30].Last, node.Status(0).LogStart);

        node.MemoryDisk.FlipByte(FileNames.Checkpoint(0), CheckpointFile.HeaderSize + 40);
        var corrupt = Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 1, frames[^1].Last, frames[^1].Last));
        Assert.Equal(StorageStatus.Corrupt, corrupt.Status);
        Assert.Equal("hydrating", node.Status(0).State);
        Assert.False(node.MemoryDisk.Exists(FileNames.Checkpoint(0)));

        cluster.Tick(2);
        Assert.Equal("healthy", node.Status(0).State);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        AssertPagesFrom(node, writer, E1, node.Status(0).LogStart, frames[^1].Last);
    }

    [Fact]
    public void TheScrubResetsASegmentWithADamagedImage()
    {
        var (cluster, writer, frames) = TwoCheckpointedNodes();
        using var _ = cluster;
        var node = cluster[1];
        node.MemoryDisk.FlipByte(FileNames.Checkpoint(0), CheckpointFile.EntryOffset(2, 256) + 100);

        node.Core.Tick();
        Assert.False(node.MemoryDisk.Exists(FileNames.Checkpoint(0)));
        cluster.Pump();
        cluster.Tick(2);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        Assert.True(node.MemoryDisk.Exists(FileNames.Checkpoint(0)));
        AssertPagesFrom(node, writer, E1, node.Status(0).LogStart, frames[^1].Last);
    }

    [Fact]
    public void AdoptingAMapCreatesAndDeletesSegments()
    {
        using var cluster = new TestCluster(2);
        var (_, writer) = cluster.Start([1], [1]);
        var node = cluster[1];
        var frames = writer.Batch((1, 0, [1]), (9, 0, [2]));
        node.Append(E1, [.. frames]);
        Assert.Equal(frames[0].Last, node.Scl(0));

        var map2 = cluster.MakeMap(2, 1, [2], [1], [1]);
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map2)));
        Assert.Equal([1u, 2u], node.Core.GetStatus().Segments.Select(s => s.Group));
        Assert.Equal("hydrating", node.Status(2).State);
        Assert.Equal(frames[1].Last, node.Scl(1));
        Assert.Equal(StorageStatus.NotMember, Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 1, Lsn.Zero, Lsn.Zero)).Status);

        node.Restart(crash: true);
        Assert.Equal(2, node.Core.GetStatus().MapVersion);
        Assert.Equal([1u, 2u], node.Core.GetStatus().Segments.Select(s => s.Group));
        Assert.Equal(frames[1].Last, node.Scl(1));

        // The same map again is acknowledged and changes nothing.
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map2)));
        Assert.Equal(frames[1].Last, node.Scl(1));
    }

    [Fact]
    public void ACrashAtAnyStepOfAMapChangeLeavesTheOldOrTheNewMapAndAnOkMeansTheNew()
    {
        for (int step = 1; ; step++)
        {
            using var cluster = new TestCluster(2);
            var (_, writer) = cluster.Start([1], [1]);
            var node = cluster[1];
            var frames = writer.Batch((1, 0, [1]), (9, 0, [2]));
            node.Append(E1, [.. frames]);

            node.MemoryDisk.FailAfter = step;
            var response = node.Request(new SetMapRequest(cluster.MakeMap(2, 1, [2], [1], [1])));
            bool completed = node.MemoryDisk.FailAfter > 0;
            node.Restart(crash: true);

            var status = node.Core.GetStatus();
            if (response is OkResponse)
                Assert.Equal(2, status.MapVersion);
            else
                Assert.Equal(StorageStatus.Failed, Assert.IsType<ErrorResponse>(response).Status);
            Assert.Equal(status.MapVersion == 2 ? [1u, 2u] : [0u, 1u], status.Segments.Select(s => s.Group));
            Assert.Equal(frames[1].Last, node.Scl(1));
            if (status.MapVersion == 1)
                Assert.Equal(frames[0].Last, node.Scl(0));
            if (completed)
                break;
        }
    }

    [Fact]
    public void NodesPassNewerMapsToEachOtherInGossip()
    {
        using var cluster = new TestCluster(3);
        var map1 = cluster.MakeMap(1, 1, [1, 2, 3]);
        cluster.SetMap(map1);
        // Node 2 learns of a new version; node 3 of a new epoch.
        var map2 = map1 with { Version = 2 };
        Assert.IsType<OkResponse>(cluster[2].Request(new SetMapRequest(map2)));
        cluster.Tick();
        Assert.All(cluster.Nodes, n => Assert.Equal(2, n.Core.GetStatus().MapVersion));

        var map3 = map1 with { Version = 3, Epoch = new VolumeEpoch(2) };
        Assert.IsType<OkResponse>(cluster[3].Request(new SetMapRequest(map3)));
        cluster.Tick(PeriodicRounds);
        Assert.All(cluster.Nodes, n => Assert.Equal(new VolumeEpoch(2), n.Core.GetStatus().Epoch));
    }

    const int PeriodicRounds = 10;
}
