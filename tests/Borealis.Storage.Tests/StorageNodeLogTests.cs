using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

/// <summary>The node log: one sequence of files for the frames of every segment a node hosts.</summary>
public sealed class StorageNodeLogTests : BorealisTest
{
    static VolumeEpoch E1 => new(1);

    static void AssertPages(TestNode node, TestWriter writer, uint group, Lsn asOf)
    {
        for (uint page = group * 8 + 1; page <= group * 8 + 8; page++)
        {
            var response = Assert.IsType<PageResponse>(node.GetPage(E1, group, page, asOf, writer.GroupTailAt(group, asOf)));
            Assert.Equal(writer.PageAt(new PageId(page), asOf), response.Image.ToArray());
        }
    }

    [Fact]
    public void AnAppendTouchingThreeGroupsIsOneWriteAndOneSync()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1], [1], [1]);
        var node = cluster[1];
        node.Append(E1, writer.Write(1, 1)); // the log's first append creates and reserves; count from the second
        var frames = writer.Batch((2, 0, [1, 2]), (10, 8, [3]), (20, 16, [4, 5, 6]));
        Assert.Equal([0u, 1u, 2u], frames.Select(f => f.Group));

        int syncs = node.MemoryDisk.FileSyncs;
        int mutations = node.MemoryDisk.Mutations;
        var ack = node.Append(E1, [.. frames]);
        Assert.Equal(1, node.MemoryDisk.FileSyncs - syncs);
        Assert.Equal(2, node.MemoryDisk.Mutations - mutations); // one write, one sync
        Assert.Equal(frames.Select(f => new SegmentProgress(f.Group, f.Last)), ack.Segments);
        Assert.Equal([FileNames.NodeLog(1)], node.MemoryDisk.List(FileNames.NodeLogPrefix));

        node.Restart(crash: true);
        for (uint group = 0; group < 3; group++)
        {
            Assert.Equal(frames[(int)group].Last, node.Scl(group));
            AssertPages(node, writer, group, frames[^1].Commit);
        }
    }

    [Fact]
    public void ASegmentDeletedAndGivenBackLaterStartsEmptyAcrossRestarts()
    {
        using var cluster = new TestCluster(2);
        var (_, writer) = cluster.Start([1], [1]);
        var node = cluster[1];
        var frames = writer.Batch((1, 0, [1]), (9, 0, [2]));
        node.Append(E1, [.. frames]);
        Assert.Equal(frames[0].Last, node.Scl(0));

        // Group 0 moves to node 2, then comes back: its old frames are still in node 1's log file, behind a reset marker.
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(2, 1, [2], [1]))));
        Assert.Equal([1u], node.Core.GetStatus().Segments.Select(s => s.Group));
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(cluster.MakeMap(3, 1, [1], [1]))));
        Assert.Equal(Lsn.Zero, node.Scl(0));
        Assert.Equal("hydrating", node.Status(0).State);
        Assert.Equal(frames[1].Last, node.Scl(1));

        node.Restart(crash: true);
        Assert.Equal(Lsn.Zero, node.Scl(0));
        Assert.Empty(node.ReadLog(E1, 0, Lsn.Zero).Frames);
        Assert.Equal(frames[1].Last, node.Scl(1));

        // New frames of the group after the marker count again.
        var next = writer.Write(2, 3);
        node.Append(E1, next);
        node.Restart(crash: true);
        Assert.Equal([next.First], node.ReadLog(E1, 0, Lsn.Zero).Frames.Select(f => f.First));
    }

    [Fact]
    public void AColdSegmentsFramesMoveOnSoThatOldLogFilesGo()
    {
        // Small files (the size is the checkpoint size), and a read horizon of 0: no checkpoint can be taken, so the
        // frames themselves must move for files to go.
        using var cluster = new TestCluster(1, id => TestNode.DefaultOptions(id, checkpointBytes: 1500));
        var (_, writer) = cluster.Start([1], [1]);
        var node = cluster[1];
        var cold = writer.Write(9, 1);
        node.Append(E1, cold);
        var hot = new List<SegmentFrame>();
        int most = 0;
        for (int i = 0; i < 60; i++)
        {
            var frame = writer.Write((uint)(i % 8 + 1), 100 + i);
            hot.Add(frame);
            node.Append(E1, frame);
            node.Core.Tick();
            most = Math.Max(most, node.MemoryDisk.List(FileNames.NodeLogPrefix).Count);
        }
        var files = node.MemoryDisk.List(FileNames.NodeLogPrefix);
        Assert.DoesNotContain(FileNames.NodeLog(1), files);
        Assert.True(FileNames.TryParseNodeLog(files[^1], out ulong newest) && newest >= 6, $"the log rolled: {string.Join(", ", files)}");
        Assert.True(most <= 4, $"at most 4 files at once, saw {most}");

        node.Restart(crash: true);
        Assert.Equal(cold.Last, node.Scl(1));
        Assert.Equal(hot[^1].Last, node.Scl(0));
        Assert.Equal(hot.Count, node.ReadLog(E1, 0, Lsn.Zero).Frames.Count);
        AssertPages(node, writer, 0, hot[^1].Last);
        AssertPages(node, writer, 1, cold.Last);
    }

    [Fact]
    public void PerSegmentLogsOfTheEarlierFormatMoveIntoTheNodeLog()
    {
        using var cluster = new TestCluster(1);
        var (_, writer) = cluster.Start([1], [1]);
        var node = cluster[1];
        var frames = new[] { writer.Write(1, 1), writer.Write(9, 2), writer.Write(2, 3) };
        // Files as a node of the earlier format left them: one log per segment, frames then reserved zeros.
        foreach (uint group in new uint[] { 0, 1 })
        {
            var bytes = new List<byte>(SegmentLog.EncodeHeader(group, 1));
            foreach (var frame in frames.Where(f => f.Group == group))
                bytes.AddRange(SegmentLog.Encode(frame, Lsn.Zero, 0));
            bytes.AddRange(new byte[512]);
            using var file = node.Disk.Open(FileNames.Log(group, 1), create: true);
            file.Write(0, bytes.ToArray());
            file.Sync();
        }
        node.Disk.SyncDirectory();

        node.Restart(crash: true);
        Assert.Empty(node.MemoryDisk.List(FileNames.SegmentPrefix));
        Assert.Equal(frames[2].Last, node.Scl(0));
        Assert.Equal(frames[1].Last, node.Scl(1));
        node.Restart(crash: true);
        Assert.Equal(frames[2].Last, node.Scl(0));
        Assert.Equal(frames[1].Last, node.Scl(1));
        AssertPages(node, writer, 0, frames[2].Last);
        AssertPages(node, writer, 1, frames[1].Last);
    }

    [Fact]
    public void WithoutAReadableMapTheNodeLogIsKeptUntilAMapArrives()
    {
        using var cluster = new TestCluster(1);
        var (map, writer) = cluster.Start([1]);
        var node = cluster[1];
        var frame = writer.Write(1, 1);
        node.Append(E1, frame);
        node.MemoryDisk.FlipByte(FileNames.Map, 20);

        node.Restart(crash: true);
        Assert.Empty(node.Core.GetStatus().Segments);
        Assert.True(node.MemoryDisk.Exists(FileNames.NodeLog(1)));
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map with { Version = 2 })));
        Assert.Equal(frame.Last, node.Scl(0));
        AssertPages(node, writer, 0, frame.Last);
    }

    [Fact]
    public void ACheckpointCopiesALongRunOfFramesInPiecesAndLosesNone()
    {
        // A read horizon held low keeps more than the 4 MiB a copy writes at once above the checkpoint.
        using var cluster = new TestCluster(1, id => TestNode.DefaultOptions(id, checkpointBytes: 5L << 20));
        var (_, writer) = cluster.Start([1]);
        var node = cluster[1];
        var frames = new List<SegmentFrame>();
        while (node.MemoryDisk.List(FileNames.NodeLogPrefix).Count < 2)
        {
            var batch = Enumerable.Range(frames.Count, 2000).Select(i => writer.Write((uint)(i % 8 + 1), i)).ToArray();
            frames.AddRange(batch);
            cluster.Append(E1, frames[100].Last, batch);
        }
        int syncs = node.MemoryDisk.FileSyncs;
        node.Core.Tick();
        Assert.Equal(frames[100].Last, node.Status(0).LogStart);
        Assert.Equal([FileNames.NodeLog(2)], node.MemoryDisk.List(FileNames.NodeLogPrefix));
        Assert.True(node.MemoryDisk.FileSyncs > syncs);

        node.Restart(crash: true);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        Assert.Equal(frames.Count - 101, node.ReadLog(E1, 0, frames[100].Last).Frames.Count);
        AssertPages(node, writer, 0, frames[^1].Last);
    }
}
