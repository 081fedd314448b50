using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

public sealed class StorageNodeRecoveryTests : BorealisTest
{
    static VolumeEpoch E1 => new(1);

    static string Log0 => FileNames.NodeLog(1);

    static long FrameSize(SegmentFrame frame) => SegmentLog.Encode(frame, Lsn.Zero, 0).Length;

    [Fact]
    public void APowerLossKeepsExactlyTheFlushedFrames()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        var f3 = writer.Write(1, 3);
        node.Append(E1, f1, f2);
        Assert.Null(node.Request(new AppendRequest(E1, Lsn.Zero, 0, Lsn.Zero, [f3]), out _));
        Assert.Equal(f3.Last, node.Scl(0));

        node.Restart(crash: true);
        Assert.Equal(f2.Last, node.Scl(0));
        var log = node.ReadLog(E1, 0, Lsn.Zero);
        Assert.Equal(2, log.Frames.Count);
        AssertSameFrame(f1, log.Frames[0]);
        AssertSameFrame(f2, log.Frames[1]);
        // The file holds the flushed frames, then only zeros (space reserved for appends; f3's bytes were never synced).
        AssertFramesEndAt(node.MemoryDisk.ReadAll(Log0), 32 + FrameSize(f1) + FrameSize(f2));
        // Zeros are not damage: nothing was cut, and the next append goes right after f2, inside the reservation.
        Assert.True(node.MemoryDisk.LengthOf(Log0) > 32 + FrameSize(f1) + FrameSize(f2));
        long reserved = node.MemoryDisk.LengthOf(Log0);
        Assert.Equal([new SegmentProgress(0, f3.Last)], node.Append(E1, f3).Segments);
        Assert.Equal(reserved, node.MemoryDisk.LengthOf(Log0));
        node.Restart(crash: true);
        Assert.Equal(f3.Last, node.Scl(0));
        AssertFramesEndAt(node.MemoryDisk.ReadAll(Log0), 32 + FrameSize(f1) + FrameSize(f2) + FrameSize(f3));
    }

    [Fact]
    public void WithNoRoomToReserveAppendsStillGoToTheEndOfTheLog()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var f1 = writer.Write(1, 1);
        node.Append(E1, f1);
        long reserved = node.MemoryDisk.LengthOf(Log0);
        Assert.True(reserved > 32 + FrameSize(f1), "the first append reserved space");

        // The disk fills up: appends use the reserved space, then grow the file one frame at a time.
        node.MemoryDisk.NoRoomToReserve = true;
        var frames = new List<SegmentFrame> { f1 };
        long end = 32 + FrameSize(f1);
        while (end <= reserved)
        {
            var frame = writer.Write(2, frames.Count + 1);
            node.Append(E1, frame);
            frames.Add(frame);
            end += FrameSize(frame);
        }
        Assert.Equal(end, node.MemoryDisk.LengthOf(Log0));

        node.Restart(crash: true);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        var log = node.ReadLog(E1, 0, Lsn.Zero);
        Assert.Equal(frames.Count, log.Frames.Count);
        AssertSameFrame(frames[^1], log.Frames[^1]);
    }

    static void AssertFramesEndAt(byte[] file, long end)
    {
        Assert.True(file.Length >= end, $"the file has {file.Length} bytes, fewer than its frames' {end}");
        Assert.False(file.AsSpan((int)end).ContainsAnyExcept((byte)0), "only zeros follow the last frame");
    }

    [Fact]
    public void ATornTailIsCutAndAppendsContinueAfterIt()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        node.Append(E1, f1, f2);
        long length = 32 + FrameSize(f1) + FrameSize(f2);
        Assert.True(node.MemoryDisk.LengthOf(Log0) > length, "the log reserved space for the next appends");
        var f3 = writer.Write(1, 3);
        node.MemoryDisk.WriteDurably(Log0, length, SegmentLog.Encode(f3, Lsn.Zero, 0).AsSpan(0, 40));

        node.Restart(crash: true);
        Assert.Equal(f2.Last, node.Scl(0));
        node.Core.Flush();
        Assert.Equal(length, node.MemoryDisk.LengthOf(Log0)); // cut at the torn frame, reservation and all

        Assert.Equal([new SegmentProgress(0, f3.Last)], node.Append(E1, f3).Segments);
        node.Restart(crash: true);
        Assert.Equal(f3.Last, node.Scl(0));
        var page = Assert.IsType<PageResponse>(node.GetPage(E1, 0, 1, f3.Last, f3.Last));
        Assert.Equal(writer.PageAt(new PageId(1), f3.Last), page.Image.ToArray());
    }

    [Fact]
    public void AFlippedByteInALogFrameIsFoundAtOpenNeverServedAndRefilledByGossip()
    {
        using var cluster = new TestCluster(3);
        var (_, writer) = cluster.Start([1, 2, 3]);
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        var f3 = writer.Write(1, 3);
        cluster.Append(E1, Lsn.Zero, [f1, f2, f3]);

        var node = cluster[1];
        node.MemoryDisk.FlipByte(Log0, 32 + FrameSize(f1) + 70);
        node.Restart(crash: true);
        Assert.Equal(f1.Last, node.Scl(0));
        Assert.Equal([f1.First], node.ReadLog(E1, 0, Lsn.Zero).Frames.Select(f => f.First));
        Assert.Equal(StorageStatus.NotCaughtUp, Assert.IsType<ErrorResponse>(node.GetPage(E1, 0, 2, f2.Last, f2.Last)).Status);

        cluster.Tick();
        Assert.Equal(f3.Last, node.Scl(0));
        for (uint page = 1; page <= 2; page++)
        {
            var response = Assert.IsType<PageResponse>(node.GetPage(E1, 0, page, f3.Last, f3.Last));
            Assert.Equal(writer.PageAt(new PageId(page), f3.Last), response.Image.ToArray());
        }
        node.Restart(crash: true);
        Assert.Equal(f3.Last, node.Scl(0));
    }

    [Fact]
    public void TheScrubFindsAFlippedByteCutsTheLogAndGossipRefillsIt()
    {
        using var cluster = new TestCluster(3);
        var (_, writer) = cluster.Start([1, 2, 3]);
        var frames = Enumerable.Range(1, 5).Select(i => writer.Write((uint)(i % 3 + 1), i)).ToArray();
        cluster.Append(E1, Lsn.Zero, frames);
        var node = cluster[1];

        node.MemoryDisk.FlipByte(Log0, 32 + FrameSize(frames[0]) + FrameSize(frames[1]) + 75);
        node.Core.Tick();
        Assert.Equal(frames[1].Last, node.Scl(0));
        Assert.Equal(frames.Take(2).Select(f => f.First), node.ReadLog(E1, 0, Lsn.Zero).Frames.Select(f => f.First));
        Assert.Equal("repairing", node.Status(0).State);

        cluster.Pump();
        cluster.Tick(2);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        Assert.Equal("healthy", node.Status(0).State);
        node.Restart(crash: true);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        for (uint page = 1; page <= 3; page++)
        {
            var response = Assert.IsType<PageResponse>(node.GetPage(E1, 0, page, frames[^1].Last, frames[^1].Last));
            Assert.Equal(writer.PageAt(new PageId(page), frames[^1].Last), response.Image.ToArray());
        }
    }

    [Fact]
    public void ANodeRefusesDataWrittenByAnotherNodeId()
    {
        var disk = new MemoryStorageDisk();
        using (var first = new TestNode(TestNode.DefaultOptions(1), disk))
            first.Core.Open();
        using var second = new TestNode(TestNode.DefaultOptions(2), disk);
        var error = Assert.Throws<StorageException>(second.Core.Open);
        Assert.Contains("storage node 1", error.Message, StringComparison.Ordinal);

        // Storage data without a node-id file is refused too.
        disk.Delete(FileNames.NodeId);
        disk.Open(FileNames.Map, create: true).Dispose();
        using var third = new TestNode(TestNode.DefaultOptions(1), disk);
        Assert.Throws<StorageException>(third.Core.Open);
    }

    [Fact]
    public void TheMapAndKnownDurableSurviveARestart()
    {
        using var cluster = new TestCluster(1);
        var (map, writer) = cluster.Start(7, 3, [1]);
        var node = cluster[1];
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(1, 2);
        node.Request(new AppendRequest(map.Epoch, f1.Last, 1, Lsn.Zero, [f1]));
        node.Request(new AppendRequest(map.Epoch, f1.Last, 1, Lsn.Zero, [f2]));

        node.Restart(crash: true);
        Assert.Equal(map, node.Core.Map! with { }, new MapComparer());
        var log = node.ReadLog(map.Epoch, 0, Lsn.Zero);
        Assert.Equal(f1.Last, log.KnownDurable);
        Assert.Equal(1u, log.PageCountAtKnownDurable);
        Assert.Equal(f2.Last, log.Scl);
    }

    static void AssertSameFrame(SegmentFrame expected, SegmentFrame actual)
    {
        Assert.Equal(expected with { Records = [] }, actual with { Records = [] });
        Assert.Equal(expected.Records.Length, actual.Records.Length);
        for (int i = 0; i < expected.Records.Length; i++)
        {
            Assert.Equal(expected.Records[i].Page, actual.Records[i].Page);
            Assert.Equal(expected.Records[i].PreviousLsn, actual.Records[i].PreviousLsn);
            Assert.Equal(expected.Records[i].Delta.ToArray(), actual.Records[i].Delta.ToArray());
        }
    }

    /// <summary>Maps hold immutable arrays, which compare by reference: compare their contents.</summary>
    sealed class MapComparer : IEqualityComparer<VolumeMap>
    {
        public bool Equals(VolumeMap? x, VolumeMap? y) =>
            x is not null && y is not null
            && x with { Nodes = [], Groups = [], Truncations = [] } == y with { Nodes = [], Groups = [], Truncations = [] }
            && x.Nodes.SequenceEqual(y.Nodes) && x.Truncations.SequenceEqual(y.Truncations)
            && x.Groups.Length == y.Groups.Length
            && x.Groups.Zip(y.Groups).All(p => p.First.Group == p.Second.Group && p.First.MembershipEpoch == p.Second.MembershipEpoch
                && p.First.Members.SequenceEqual(p.Second.Members) && p.First.Next.SequenceEqual(p.Second.Next));

        public int GetHashCode(VolumeMap obj) => obj.Version.GetHashCode();
    }
}
