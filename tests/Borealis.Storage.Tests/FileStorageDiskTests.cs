using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

public sealed class FileStorageDiskTests : BorealisTest
{
    [Fact]
    public void FilesAreReadWrittenListedRenamedAndDeleted()
    {
        using var directory = new TempDirectory();
        var disk = new FileStorageDisk(directory.Path);
        Assert.Throws<FileNotFoundException>(() => disk.Open("missing", create: false));

        using (var file = disk.Open("b.1", create: true))
        {
            file.Write(0, [1, 2, 3]);
            file.Write(10, [9]);
            Assert.Equal(11, file.Length);
            var buffer = new byte[20];
            Assert.Equal(11, file.Read(0, buffer));
            Assert.Equal(new byte[] { 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 9 }, buffer[..11]);
            file.SetLength(2);
            file.Sync();
            Assert.Equal(2, file.Length);
        }
        using (var file = disk.Open("a.1", create: true))
            file.Write(0, [7]);
        disk.Open("c", create: true).Dispose();
        Assert.Equal(["a.1", "b.1"], disk.List("").Where(n => n.Contains('.', StringComparison.Ordinal)));
        Assert.Equal(["b.1"], disk.List("b"));

        disk.Rename("a.1", "b.1");
        disk.SyncDirectory();
        Assert.False(disk.Exists("a.1"));
        Assert.Equal([7], File.ReadAllBytes(directory.Combine("b.1")));
        disk.Delete("b.1");
        Assert.False(disk.Exists("b.1"));
        Assert.Throws<ArgumentException>(() => disk.Open("../escape", create: true));
    }

    [Fact]
    public void ANodeOnRealFilesRecoversItsFramesAndCutsATornTail()
    {
        using var directory = new TempDirectory();
        var node = new TestNode(TestNode.DefaultOptions(1), new FileStorageDisk(directory.Path));
        node.Core.Open();
        var map = new VolumeMap(TestCluster.VolumeId, 1, new VolumeEpoch(1), 256, 8, [node.Info],
            [new GroupMembership(0, 1, [node.Id], [])], []);
        Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map)));
        var writer = new TestWriter(map);
        var frames = Enumerable.Range(1, 6).Select(i => writer.Write((uint)(i % 3 + 1), i)).ToArray();
        node.Append(map.Epoch, frames);

        string log = directory.Combine(FileNames.NodeLog(1));
        long length = SegmentLog.HeaderSize + frames.Sum(f => (long)SegmentLog.Encode(f, Lsn.Zero, 0).Length);
        Assert.True(new FileInfo(log).Length > length, "the log reserved space for the next appends");
        Assert.False(File.ReadAllBytes(log).AsSpan((int)length).ContainsAnyExcept((byte)0), "the reserved space reads as zeros");
        // A torn frame after the last one, inside the reserved space.
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Write))
        {
            stream.Position = length;
            stream.Write(SegmentLog.Encode(writer.Write(1, 99), Lsn.Zero, 0).AsSpan(0, 50));
        }
        Assert.True(File.Exists(directory.Combine(FileNames.NodeId)));
        Assert.True(File.Exists(directory.Combine(FileNames.Map)));

        node.Restart(crash: false);
        Assert.Equal(length, new FileInfo(log).Length);
        Assert.Equal(frames[^1].Last, node.Scl(0));
        for (uint page = 1; page <= 3; page++)
        {
            var response = Assert.IsType<PageResponse>(node.GetPage(map.Epoch, 0, page, frames[^1].Last, frames[^1].Last));
            Assert.Equal(writer.PageAt(new PageId(page), frames[^1].Last), response.Image.ToArray());
        }
        node.Dispose();

        using var other = new TestNode(TestNode.DefaultOptions(2), new FileStorageDisk(directory.Path));
        Assert.Throws<StorageException>(other.Core.Open);
    }
}
