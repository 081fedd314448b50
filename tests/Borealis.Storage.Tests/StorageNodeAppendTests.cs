using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

public sealed class StorageNodeAppendTests : BorealisTest
{
    static VolumeEpoch E1 => new(1);

    static (TestCluster Cluster, TestNode Node, TestWriter Writer) OneNode()
    {
        var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1], [1]);
        return (cluster, cluster[1], writer);
    }

    [Fact]
    public void AnAppendIsAnsweredOnlyAfterFlushWithTheSegmentScl()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var frames = writer.Batch((1, 0, [1, 2, 3]), (9, 10, [4, 5]));
        Assert.Equal(2, frames.Count);

        int syncsBefore = node.MemoryDisk.FileSyncs;
        var immediate = node.Request(new AppendRequest(E1, Lsn.Zero, 0, Lsn.Zero, frames), out var context);
        Assert.Null(immediate);
        Assert.True(node.Core.HasUnsyncedWrites);
        Assert.Empty(node.Host.Replies);

        node.Core.Flush();
        Assert.True(node.MemoryDisk.FileSyncs > syncsBefore);
        var response = Assert.IsType<AppendResponse>(node.Host.TakeReply(context));
        Assert.Equal([new SegmentProgress(0, new Lsn(1)), new SegmentProgress(1, new Lsn(2))], response.Segments);
        Assert.False(node.Core.HasUnsyncedWrites);

        // What was acknowledged survives a power loss.
        node.Restart(crash: true);
        Assert.Equal(new Lsn(1), node.Scl(0));
        Assert.Equal(new Lsn(2), node.Scl(1));
    }

    [Fact]
    public void AHoleHoldsTheSclUntilTheMissingFrameArrives()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        var f3 = writer.Write(3, 3);
        var f4 = writer.Write(1, 4);

        Assert.Equal([new SegmentProgress(0, f1.Last)], node.Append(E1, f1).Segments);
        Assert.Equal([new SegmentProgress(0, f1.Last)], node.Append(E1, f4, f3).Segments);
        var status = node.Status(0);
        Assert.Equal(f4.Last, status.MaxLsn);
        Assert.Equal("repairing", status.State);

        Assert.Equal([new SegmentProgress(0, f4.Last)], node.Append(E1, f2).Segments);
        Assert.Equal("healthy", node.Status(0).State);
    }

    [Fact]
    public void DuplicateFramesAreStoredOnce()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(1, 2);
        node.Append(E1, f1, f2);
        long bytes = node.Status(0).Bytes;

        var again = node.Append(E1, f2, f1, f2);
        Assert.Equal([new SegmentProgress(0, f2.Last)], again.Segments);
        Assert.Equal(bytes, node.Status(0).Bytes);
        var log = node.ReadLog(E1, 0, Lsn.Zero);
        Assert.Equal([f1.First, f2.First], log.Frames.Select(f => f.First));
        var page = Assert.IsType<PageResponse>(node.GetPage(E1, 0, 1, f2.Last, f2.Last));
        Assert.Equal(writer.PageAt(new PageId(1), f2.Last), page.Image.ToArray());
    }

    [Fact]
    public void GetPageAtEveryLsnEqualsApplyingTheDeltasInOrder()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var random = new Random(42);
        for (int i = 0; i < 40; i++)
        {
            var changes = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => ((uint)random.Next(1, 17), random.Next(0, 200), new byte[] { (byte)random.Next(256), (byte)random.Next(256), (byte)i }))
                .ToArray();
            node.Append(E1, [.. writer.Batch(changes)]);
        }
        for (ulong lsn = 0; lsn <= writer.LastLsn.Value; lsn++)
        {
            var asOf = new Lsn(lsn);
            for (uint page = 1; page <= 16; page++)
            {
                uint group = (page - 1) / 8;
                var response = Assert.IsType<PageResponse>(node.GetPage(E1, group, page, asOf, writer.GroupTailAt(group, asOf)));
                Assert.Equal(writer.PageAt(new PageId(page), asOf), response.Image.ToArray());
            }
        }
    }

    [Fact]
    public void GetPageRefusesWhenTheSegmentIsNotCompleteToTheRequiredLsn()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(1, 2);
        node.Append(E1, f2);
        var error = Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 1, f2.Last, f2.Last));
        Assert.Equal(StorageStatus.NotCaughtUp, error.Status);
        node.Append(E1, f1);
        var page = Assert.IsType<PageResponse>(node.GetPage(E1, 0, 1, f2.Last, f2.Last));
        Assert.Equal(f2.Last, page.Version);
        Assert.Equal(writer.PageAt(new PageId(1), f2.Last), page.Image.ToArray());
    }

    [Fact]
    public void StaleAndUnknownEpochsAreRefusedUntilTheNodeHasTheMap()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start(2, 2, [1]);
        var node = cluster[1];
        var frame = writer.Write(1, 1);

        var stale = Assert.IsType<ErrorResponse>(node.Request(new AppendRequest(new VolumeEpoch(1), Lsn.Zero, 0, Lsn.Zero, [frame])));
        Assert.Equal(StorageStatus.StaleEpoch, stale.Status);
        Assert.Equal(new VolumeEpoch(2), stale.NodeEpoch);

        var e3 = new VolumeEpoch(3);
        writer.Epoch = e3;
        var frame3 = writer.Write(1, 2);
        var unknown = Assert.IsType<ErrorResponse>(node.Request(new AppendRequest(e3, Lsn.Zero, 0, Lsn.Zero, [frame3])));
        Assert.Equal(StorageStatus.UnknownEpoch, unknown.Status);
        Assert.Equal(Lsn.Zero, node.Scl(0));

        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(3, 3, [1]))));
        var older = Assert.IsType<ErrorResponse>(node.Request(new SetMapRequest(cluster.MakeMap(4, 2, [1]))));
        Assert.Equal(StorageStatus.StaleEpoch, older.Status);

        // frame (epoch 2) and frame3 (epoch 3) chain: both are accepted at epoch 3.
        var ok = node.Append(e3, frame, frame3);
        Assert.Equal([new SegmentProgress(0, frame3.Last)], ok.Segments);
        Assert.Equal(new VolumeEpoch(3), node.Core.GetStatus().Epoch);
    }

    [Fact]
    public void AnEpochBelongsToTheWriterWhoseMapReachedTheNodeFirst()
    {
        using var cluster = new TestCluster(1);
        var node = cluster.Nodes[0];
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(1, 1, [1]) with { Writer = a })));

        // Two writers recover at once: both write version 2 in epoch 2. The node takes the first, refuses the other.
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(2, 2, [1]) with { Writer = a })));
        var refused = Assert.IsType<ErrorResponse>(node.Request(new SetMapRequest(cluster.MakeMap(2, 2, [1]) with { Writer = b })));
        Assert.Equal(StorageStatus.StaleEpoch, refused.Status);
        Assert.Equal(new VolumeEpoch(2), refused.NodeEpoch);
        Assert.Equal(a, node.Core.Map!.Writer);

        // The same writer's retry, or its superseded older version, is fine; a newer version in the epoch is taken
        // whoever wrote it (it could only be written after a quorum took that writer's first map of the epoch).
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(2, 2, [1]) with { Writer = a })));
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(3, 2, [1]) with { Writer = b })));
        Assert.Equal(3, node.Core.Map!.Version);
        Assert.Equal(b, node.Core.Map.Writer);

        // The writer is part of the durable map: after a restart the node still knows whose epoch it is.
        node.Restart(crash: true);
        Assert.Equal(b, node.Core.Map!.Writer);
        Assert.IsType<ErrorResponse>(node.Request(new SetMapRequest(cluster.MakeMap(3, 2, [1]) with { Writer = a })));
    }

    [Fact]
    public void GroupsTheNodeDoesNotHostAreRefused()
    {
        using var cluster = new TestCluster(2);
        var (_, writer) = cluster.Start([1], [2]);
        var inGroup1 = writer.Write(9, 1);
        var notMember = Assert.IsType<ErrorResponse>(cluster[1].Request(new AppendRequest(E1, Lsn.Zero, 0, Lsn.Zero, [inGroup1])));
        Assert.Equal(StorageStatus.NotMember, notMember.Status);

        var beyond = Assert.IsType<ErrorResponse>(cluster[1].Request(new GetPageRequest(E1, 5, new PageId(41), Lsn.Zero, Lsn.Zero)));
        Assert.Equal(StorageStatus.UnknownEpoch, beyond.Status);
    }

    [Fact]
    public void MalformedFramesAreRefusedWhole()
    {
        var (cluster, node, writer) = OneNode();
        using var _ = cluster;
        var good = writer.Write(1, 1);
        var badDelta = writer.Write(2, 2) with { Records = [new(new PageId(2), Lsn.Zero, new byte[] { 250, 0, 100, 0, 1 })] };
        var wrongGroup = writer.Write(3, 3) with { Records = [new(new PageId(9), Lsn.Zero, new byte[] { 0, 0, 1, 0, 1 })] };
        foreach (var bad in new[] { badDelta, wrongGroup, good with { Backlink = good.First } })
        {
            var error = Assert.IsType<ErrorResponse>(node.Request(new AppendRequest(E1, Lsn.Zero, 0, Lsn.Zero, [good, bad])));
            Assert.Equal(StorageStatus.BadRequest, error.Status);
        }
        Assert.Equal(Lsn.Zero, node.Status(0).MaxLsn);
    }

    [Fact]
    public void ATruncationDropsVoidFramesAndTheNewEpochContinuesTheChain()
    {
        using var cluster = new TestCluster(1);
        var (map1, writer) = cluster.Start([1]);
        var node = cluster[1];
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        var f3 = writer.Write(1, 3);
        var f4 = writer.Write(2, 4);
        node.Append(E1, f1, f2, f3, f4);
        Assert.Equal(f4.Last, node.Scl(0));

        // Recovery found VDL = f2.Last: epoch 2 voids f3 and f4.
        var e2 = new VolumeEpoch(2);
        var map2 = map1 with { Version = 2, Epoch = e2, Truncations = [new Truncation(e2, f2.Last)] };
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map2)));
        Assert.Equal(f2.Last, node.Scl(0));
        Assert.Equal([f1.First, f2.First], node.ReadLog(e2, 0, Lsn.Zero).Frames.Select(f => f.First));

        writer.Recover(f2.Last, e2);
        var f5 = writer.Write(1, 5);
        Assert.Equal(f2.Last, f5.Backlink);
        Assert.True(f5.First > f4.Last);
        // A late copy of a void frame is never accepted again.
        Assert.Equal([new SegmentProgress(0, f5.Last)], node.Append(e2, f3, f5).Segments);
        Assert.Equal([f1.First, f2.First, f5.First], node.ReadLog(e2, 0, Lsn.Zero).Frames.Select(f => f.First));

        var page1 = Assert.IsType<PageResponse>(node.GetPage(e2, 0, 1, f5.Last, f5.Last));
        Assert.Equal(writer.PageAt(new PageId(1), f5.Last), page1.Image.ToArray());
        var page2 = Assert.IsType<PageResponse>(node.GetPage(e2, 0, 2, f5.Last, f5.Last));
        Assert.Equal(f2.Last, page2.Version);

        // The void frames are still in the log file, and stay dropped after a restart.
        node.Restart(crash: true);
        Assert.Equal(f5.Last, node.Scl(0));
        Assert.Equal([f1.First, f2.First, f5.First], node.ReadLog(e2, 0, Lsn.Zero).Frames.Select(f => f.First));
    }
}
