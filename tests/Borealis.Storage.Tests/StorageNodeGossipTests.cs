using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Tests;

public sealed class StorageNodeGossipTests : BorealisTest
{
    static VolumeEpoch E1 => new(1);

    [Fact]
    public void ANodeThatMissedAFrameFillsTheHoleFromAPeer()
    {
        using var cluster = new TestCluster(3);
        var (_, writer) = cluster.Start([1, 2, 3]);
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(2, 2);
        var f3 = writer.Write(3, 3);
        cluster.Append(E1, Lsn.Zero, [f1, f2, f3], 2, 3);
        cluster.Append(E1, Lsn.Zero, [f1, f3], 1);
        var node = cluster[1];
        Assert.Equal(f1.Last, node.Scl(0));

        cluster.Tick();
        Assert.Equal(f3.Last, node.Scl(0));
        Assert.Contains(cluster.Trace, t => t.StartsWith("1->", StringComparison.Ordinal) && t.Contains("ReadLogRequest", StringComparison.Ordinal));
        var page = Assert.IsType<PageResponse>(node.GetPage(E1, 0, 2, f3.Last, f3.Last));
        Assert.Equal(writer.PageAt(new PageId(2), f3.Last), page.Image.ToArray());
        Assert.Equal("healthy", node.Status(0).State);
    }

    [Fact]
    public void AnUnreachablePeerIsSkippedForTheNextOne()
    {
        using var cluster = new TestCluster(3);
        var (_, writer) = cluster.Start([1, 2, 3]);
        var f1 = writer.Write(1, 1);
        var f2 = writer.Write(1, 2);
        cluster.Append(E1, Lsn.Zero, [f1, f2], 2, 3);
        cluster.Append(E1, Lsn.Zero, [f2], 1);
        cluster[2].Up = false;

        cluster.Tick(2);
        Assert.Equal(f2.Last, cluster[1].Scl(0));
        Assert.Contains(cluster.Trace, t => t.StartsWith("1->2", StringComparison.Ordinal) && t.Contains("Unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSameInputsGiveTheSameMessagesAndState()
    {
        static (List<string> Trace, string Status) Run()
        {
            using var cluster = new TestCluster(3, id => TestNode.DefaultOptions(id, checkpointBytes: 1500));
            var (map1, writer) = cluster.Start([1, 2], [2, 3]);
            var frames = new List<SegmentFrame>();
            var random = new Random(7);
            for (int i = 0; i < 60; i++)
                frames.AddRange(writer.Batch(((uint)random.Next(1, 17), random.Next(0, 200), [(byte)i, (byte)random.Next(256)])));
            cluster.Append(E1, frames[40].Last, [.. frames.Where(f => f.Group == 0)], 1, 2);
            cluster.Append(E1, frames[40].Last, [.. frames.Where(f => f.Group == 1 && f.First.Value % 5 != 0)], 2);
            cluster.Append(E1, frames[40].Last, [.. frames.Where(f => f.Group == 1)], 3);
            cluster.Tick(3);
            cluster.SetMap(map1 with { Version = 2, Groups = [map1.Groups[0] with { Next = [new(1), new(3)] }, map1.Groups[1]] });
            cluster.Tick(12);
            foreach (var node in cluster.Nodes)
            {
                foreach (var segment in node.Core.GetStatus().Segments)
                    Assert.Equal(writer.GroupTailAt(segment.Group, writer.LastLsn), segment.Scl);
            }
            // Node 3 hydrated group 0 from a checkpointed peer, and checkpointed group 1 itself.
            Assert.Equal([0u, 1u], cluster[3].Core.GetStatus().Segments.Where(s => s.LogStart > Lsn.Zero).Select(s => s.Group));
            string status = string.Join(";", cluster.Nodes.SelectMany(n => n.Core.GetStatus().Segments.Select(s => $"{n.Id}:{s}")));
            return (cluster.Trace, status);
        }

        var first = Run();
        var second = Run();
        Assert.NotEmpty(first.Trace);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Status, second.Status);
        Assert.DoesNotContain("hydrating", first.Status, StringComparison.Ordinal);
    }
}
