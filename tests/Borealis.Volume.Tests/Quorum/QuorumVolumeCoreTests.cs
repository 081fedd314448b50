using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Testing;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

public sealed class QuorumVolumeCoreTests : BorealisTest
{
    const int PageSize = 256;

    static (FakeHost Host, QuorumVolumeCore Core) Open(FakeCluster cluster, QuorumVolumeOptions options)
    {
        var host = new FakeHost(cluster);
        var core = new QuorumVolumeCore(options, host);
        host.Core = core;
        core.StartOpen();
        host.RunUntil(() => core.State != QuorumVolumeState.Opening);
        Assert.Equal(QuorumVolumeState.Open, core.State);
        return (host, core);
    }

    /// <summary>A batch writing each page whole, filled with one byte value.</summary>
    static RedoBatch Batch(uint pageCount, params (uint Page, byte Fill)[] pages)
    {
        var records = new List<RedoRecord>();
        foreach (var (page, fill) in pages)
        {
            var image = new byte[PageSize];
            image.AsSpan().Fill(fill);
            var delta = new ArrayBufferWriter<byte>();
            PageDelta.ComputeFull(image, delta);
            records.Add(new RedoRecord(new PageId(page), Lsn.Zero, delta.WrittenMemory));
        }
        return new RedoBatch(records, pageCount);
    }

    static PageReadOutcome Read(FakeHost host, QuorumVolumeCore core, uint page, Lsn asOf)
    {
        PageReadOutcome? result = null;
        core.StartRead(new PageId(page), asOf, o => result = o with { Image = o.Image.ToArray() });
        host.RunUntil(() => result is not null);
        return result!.Value;
    }

    static void AssertPage(PageReadOutcome outcome, byte fill)
    {
        Assert.Null(outcome.Failure);
        Assert.Equal(PageSize, outcome.Image.Length);
        Assert.True(outcome.Image.Span.IndexOfAnyExcept(fill) < 0, $"The page is not all {fill}.");
    }

    [Fact]
    public void CommitIsDurableOnlyAfterFourOfSixSegments()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options());
        Assert.True(core.Created);
        Assert.Equal(new VolumeEpoch(2), core.Epoch);
        Assert.Equal(Lsn.Zero, core.DurableLsn);

        cluster.Hold(new NodeId(1));
        cluster.Hold(new NodeId(2));
        cluster.Hold(new NodeId(3));
        var result = core.Append(Batch(2, (1, 0x11), (2, 0x22)));
        Assert.Equal(result.Commit, core.AppendedLsn);
        host.Run(100);
        Assert.Equal(Lsn.Zero, core.DurableLsn);
        Assert.True(core.Pgcl(0) < result.Commit);

        cluster.Release(new NodeId(2));
        host.Run(10);
        Assert.Equal(result.Commit, core.DurableLsn);
        Assert.Equal(result.Commit, core.Pgcl(0));
        Assert.Equal(2u, core.GetPageCount(result.Commit));
        Assert.Equal(0u, core.GetPageCount(Lsn.Zero));

        // The held nodes get their frames once they answer.
        cluster.Release(new NodeId(1));
        cluster.Release(new NodeId(3));
        host.Run(100);
        foreach (var node in cluster.Nodes)
            Assert.Equal(result.Commit, core.AckedScl[(0, node.Id)]);
    }

    [Fact]
    public void DurabilityFollowsBatchOrderAcrossGroups()
    {
        // 9 nodes, 3 per zone: groups 0 and 1 have different members.
        var cluster = new FakeCluster(9);
        var (host, core) = Open(cluster, cluster.Options(pagesPerGroup: 4));
        core.Append(Batch(8, (8, 0x08)));
        host.Run(10);
        var map = core.Map!;
        Assert.Equal(2, map.Groups.Length);
        var onlyInGroup1 = map.Groups[1].Members.Except(map.Groups[0].Members).ToList();
        Assert.True(onlyInGroup1.Count >= 3);
        foreach (var node in onlyInGroup1)
            cluster.Hold(node);
        var before = core.DurableLsn;

        var spanning = core.Append(Batch(8, (1, 0x01), (5, 0x05)));
        var later = core.Append(Batch(8, (2, 0x02)));
        host.Run(100);
        Assert.True(core.Pgcl(0) >= later.Commit, "group 0 holds both batches");
        Assert.True(core.Pgcl(1) < spanning.Commit, "group 1 lacks a write quorum");
        Assert.Equal(before, core.DurableLsn);

        foreach (var node in onlyInGroup1)
            cluster.Release(node);
        host.Run(50);
        Assert.Equal(later.Commit, core.DurableLsn);
        AssertPage(Read(host, core, 5, later.Commit), 0x05);
        AssertPage(Read(host, core, 2, spanning.Commit), 0x00);
    }

    [Fact]
    public void ReadsReturnTheImageAtTheReadPointAndFallBackOrHedge()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options());
        var first = core.Append(Batch(1, (1, 0xAA)));
        var second = core.Append(Batch(1, (1, 0xBB)));
        host.Run(10);
        Assert.Equal(second.Commit, core.DurableLsn);

        var old = Read(host, core, 1, first.Commit);
        AssertPage(old, 0xAA);
        Assert.Equal(first.Commit, old.Version);
        var current = Read(host, core, 1, second.Commit);
        AssertPage(current, 0xBB);
        Assert.Equal(second.Commit, current.Version);
        var never = Read(host, core, 3, second.Commit);
        AssertPage(never, 0);
        Assert.Equal(Lsn.Zero, never.Version);
        var beyond = Read(host, core, 100_000, second.Commit);
        AssertPage(beyond, 0);

        // Two nodes down: reads move on to the next segment.
        cluster.SetDown(new NodeId(1), true);
        cluster.SetDown(new NodeId(2), true);
        for (int i = 0; i < 6; i++)
            AssertPage(Read(host, core, 1, second.Commit), 0xBB);
        cluster.SetDown(new NodeId(1), false);
        cluster.SetDown(new NodeId(2), false);
        host.Run(100);

        // One node silent: a read that went to it first is hedged to another.
        cluster.Hold(new NodeId(4));
        for (int i = 0; i < 6; i++)
            AssertPage(Read(host, core, 1, first.Commit), 0xAA);
        Assert.True(core.HedgedReadCount >= 1);
    }

    [Fact]
    public void CommitsAppendedWhileOneIsOnItsWayLeaveTogetherOnceItIsDurable()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options());
        int AppendsSince(int sent) => host.Sent.Skip(sent).Count(r => r is AppendRequest { Frames.Count: > 0 });
        List<int> NodesThatGot(Lsn commit) =>
            [.. host.Answered.Where(a => a.Request is AppendRequest r && r.Frames.Any(f => f.Commit == commit)).Select(a => (int)a.Node.Value).Order()];
        host.Run(10);

        // A reaches nodes 1-3 only: they are idle again, but A is not durable.
        cluster.Hold(new NodeId(4));
        cluster.Hold(new NodeId(5));
        cluster.Hold(new NodeId(6));
        int start = host.Sent.Count;
        var a = core.Append(Batch(2, (1, 0x0A)));
        host.Deliver();
        Assert.Equal(6, AppendsSince(start));
        Assert.True(core.DurableLsn < a.Commit);

        // B and C wait for A's write quorum instead of going to the idle nodes one by one.
        var b = core.Append(Batch(2, (2, 0x0B)));
        var c = core.Append(Batch(2, (1, 0x0C)));
        Assert.Equal(6, AppendsSince(start));

        // Node 4 answers A: A is durable, and nodes 1-4 each get B and C in one request.
        cluster.Release(new NodeId(4));
        host.Deliver();
        Assert.Equal(c.Commit, core.DurableLsn);
        Assert.Equal([1, 2, 3, 4], NodesThatGot(b.Commit));
        Assert.Equal(NodesThatGot(b.Commit), NodesThatGot(c.Commit));
        Assert.Equal(6 + 4, AppendsSince(start));

        // The slow nodes get them together as soon as they answer A.
        cluster.Release(new NodeId(5));
        cluster.Release(new NodeId(6));
        host.Deliver();
        Assert.Equal([1, 2, 3, 4, 5, 6], NodesThatGot(c.Commit));
        Assert.Equal(6 + 6, AppendsSince(start));
        Assert.All(cluster.Nodes, node => Assert.Contains(node.Frames(0), f => f.Last == c.Commit));

        // A lone commit, with nothing on its way, leaves at once.
        int lone = host.Sent.Count;
        var d = core.Append(Batch(2, (2, 0x0D)));
        Assert.Equal(6, AppendsSince(lone));
        host.Deliver();
        Assert.Equal(d.Commit, core.DurableLsn);
        AssertPage(Read(host, core, 1, d.Commit), 0x0C);
        AssertPage(Read(host, core, 2, d.Commit), 0x0D);
    }

    [Fact]
    public void RecoveryKeepsAcknowledgedBatchesTruncatesTheRestAndFencesTheOldWriter()
    {
        var cluster = new FakeCluster(6);
        // Two appends in flight per node and no pacing, so that C goes out while B is lost on its way.
        var (host, core) = Open(cluster, cluster.Options(maxAppendsInFlight: 2, paceAppends: false));

        // A: durable with only 4 of 6 (two nodes silent).
        cluster.Hold(new NodeId(5));
        cluster.Hold(new NodeId(6));
        var a = core.Append(Batch(2, (1, 0x0A)));
        host.Run(10);
        Assert.Equal(a.Commit, core.DurableLsn);
        cluster.Release(new NodeId(5));
        cluster.Release(new NodeId(6));

        // B reaches no node and C only nodes 1 and 2, then the writer "crashes": C lies above a hole.
        host.Drop = (_, r) => r is AppendRequest;
        var b = core.Append(Batch(2, (2, 0x0B)));
        host.Drop = (node, r) => r is AppendRequest && node.Value > 2;
        var c0 = core.Append(Batch(2, (3, 0x0C)));
        host.Deliver();
        Assert.Equal(a.Commit, core.DurableLsn);
        Assert.Contains(cluster[new NodeId(1)].Frames(0), f => f.Last == c0.Commit);
        Assert.True(b.Commit < c0.Commit);
        host.Crash();
        host.Drop = null;

        var oldEpoch = core.Epoch;
        var (host2, core2) = Open(cluster, cluster.Options());
        Assert.False(core2.Created);
        Assert.Equal(oldEpoch.Next, core2.Epoch);
        Assert.Equal(a.Commit, core2.DurableLsn);
        Assert.Equal(a.Commit, core2.AppendedLsn);
        Assert.Contains(core2.Map!.Truncations, t => t.Epoch == core2.Epoch && t.Above == a.Commit);
        AssertPage(Read(host2, core2, 1, core2.DurableLsn), 0x0A);
        AssertPage(Read(host2, core2, 2, core2.DurableLsn), 0x00);
        host2.Run(50);
        foreach (var node in cluster.Nodes)
        {
            if (node.Map!.Epoch == core2.Epoch)
                Assert.DoesNotContain(node.Frames(0), f => f.Last > a.Commit && f.Epoch < core2.Epoch);
        }

        Assert.DoesNotContain(cluster[new NodeId(1)].Frames(0), f => f.Last == c0.Commit && f.Epoch < core2.Epoch);

        // The new writer continues; the old one is fenced and its append never becomes durable.
        var c = core2.Append(Batch(3, (3, 0x0C)));
        host2.Run(10);
        Assert.Equal(c.Commit, core2.DurableLsn);
        var stale = core.Append(Batch(2, (1, 0xEE)));
        host.Run(10);
        Assert.Equal(QuorumVolumeState.Failed, core.State);
        Assert.Contains("fenced", core.Failure!.Message, StringComparison.Ordinal);
        Assert.True(core.DurableLsn < stale.Commit);
        Assert.Throws<VolumeException>(() => core.Append(Batch(2, (1, 0xEF))));
        AssertPage(Read(host2, core2, 1, c.Commit), 0x0A);
        AssertPage(Read(host2, core2, 3, c.Commit), 0x0C);

        // A third writer finds A and C, and nothing of B or of the fenced writer.
        host2.Crash();
        var (host3, core3) = Open(cluster, cluster.Options());
        Assert.Equal(c.Commit, core3.DurableLsn);
        Assert.Equal(3u, core3.GetPageCount(core3.DurableLsn));
        AssertPage(Read(host3, core3, 1, c.Commit), 0x0A);
        AssertPage(Read(host3, core3, 2, c.Commit), 0x00);
        AssertPage(Read(host3, core3, 3, c.Commit), 0x0C);
    }

    [Fact]
    public void GrowthAddsAGroupWithAMapWrite()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options(pagesPerGroup: 4));
        long version = core.Map!.Version;
        Assert.Single(core.Map.Groups);

        var grow = core.Append(Batch(10, (1, 0x01), (6, 0x06), (10, 0x0A)));
        Assert.Equal(3, core.Map.Groups.Length);
        Assert.Equal(2, core.GroupsAdded);
        host.Run(10);
        Assert.Equal(grow.Commit, core.DurableLsn);
        Assert.True(core.CommittedMap!.Version > version);
        Assert.Equal(3, core.CommittedMap.Groups.Length);
        Assert.All(cluster.Nodes, n => Assert.Equal(3, n.Map!.Groups.Length));
        AssertPage(Read(host, core, 6, grow.Commit), 0x06);
        AssertPage(Read(host, core, 10, grow.Commit), 0x0A);
        AssertPage(Read(host, core, 1, grow.Commit), 0x01);
    }

    [Fact]
    public void NewGroupFramesCountOnlyOnceTheMapIsOnAQuorum()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options(pagesPerGroup: 4));
        host.Run(10);
        // Only 3 nodes answer: neither the map write nor the frames can reach a quorum.
        foreach (var id in new[] { 1, 2, 3 })
            cluster.Hold(new NodeId(id));
        var grow = core.Append(Batch(8, (6, 0x06)));
        host.Run(100);
        Assert.Equal(Lsn.Zero, core.DurableLsn);
        Assert.Single(core.CommittedMap!.Groups);
        cluster.Release(new NodeId(1));
        host.Run(100);
        Assert.Equal(2, core.CommittedMap!.Groups.Length);
        Assert.Equal(grow.Commit, core.DurableLsn);
    }

    [Fact]
    public void ADeadMemberIsReplacedOnceTheNewSegmentCatchesUp()
    {
        // 7 nodes: node 7 (zone a) hosts nothing and is the spare.
        var cluster = new FakeCluster(7);
        var (host, core) = Open(cluster, cluster.Options());
        var members = core.Map!.Groups[0].Members;
        var spare = cluster.Nodes.Single(n => !members.Contains(n.Id));
        var dead = cluster.Nodes.First(n => members.Contains(n.Id) && n.Info.Zone == spare.Info.Zone);
        var a = core.Append(Batch(2, (1, 0x01), (2, 0x02)));
        host.Run(10);

        cluster.SetDown(dead.Id, true);
        var b = core.Append(Batch(2, (2, 0x22)));
        host.Run(500);
        Assert.Equal(b.Commit, core.DurableLsn);
        Assert.Equal(0, core.RepairsStarted);
        host.RunUntil(() => core.RepairsCompleted == 1);

        var group = core.CommittedMap!.Groups[0];
        Assert.False(group.InTransition);
        Assert.Contains(spare.Id, group.Members);
        Assert.DoesNotContain(dead.Id, group.Members);
        Assert.Equal(6, group.Members.Length);
        Assert.Equal(b.Commit, spare.Scl(0));

        var c = core.Append(Batch(2, (1, 0x33)));
        host.Run(10);
        Assert.Equal(c.Commit, core.DurableLsn);
        Assert.Equal(c.Commit, core.AckedScl[(0, spare.Id)]);
        AssertPage(Read(host, core, 1, a.Commit), 0x01);
        AssertPage(Read(host, core, 2, c.Commit), 0x22);
        AssertPage(Read(host, core, 1, c.Commit), 0x33);
    }

    [Fact]
    public void AReplacementIsRevertedWhenTheOldMemberReturnsFirst()
    {
        var cluster = new FakeCluster(7);
        var (host, core) = Open(cluster, cluster.Options());
        var members = core.Map!.Groups[0].Members;
        var spare = cluster.Nodes.Single(n => !members.Contains(n.Id));
        spare.HydrateOnJoin = false;
        var dead = cluster.Nodes.First(n => members.Contains(n.Id) && n.Info.Zone == spare.Info.Zone);
        core.Append(Batch(2, (1, 0x01)));
        host.Run(10);

        cluster.SetDown(dead.Id, true);
        host.RunUntil(() => core.RepairInProgress is not null && core.CommittedMap!.Groups[0].InTransition);
        Assert.Equal((0u, dead.Id, spare.Id), core.RepairInProgress);
        var transition = core.CommittedMap!.Groups[0];
        Assert.Contains(spare.Id, transition.Next);
        Assert.Equal(members, transition.Members);

        // Writes during the change need both sets; the new segment only has frames since it joined.
        var b = core.Append(Batch(2, (2, 0x02)));
        host.Run(50);
        Assert.Equal(b.Commit, core.DurableLsn);
        Assert.True(spare.Scl(0) < b.Commit);

        cluster.SetDown(dead.Id, false);
        host.RunUntil(() => core.RepairsReverted == 1);
        var group = core.CommittedMap!.Groups[0];
        Assert.False(group.InTransition);
        Assert.Equal(members, group.Members);
        Assert.Equal(0, core.RepairsCompleted);
        host.Run(50);
        Assert.Empty(spare.Groups);
        Assert.Equal(b.Commit, dead.Scl(0));
    }

    [Fact]
    public void PageCountsAndTheReadHorizonFollowCommits()
    {
        var cluster = new FakeCluster(6);
        var (host, core) = Open(cluster, cluster.Options());
        var one = core.Append(Batch(1, (1, 0x01)));
        var three = core.Append(Batch(3, (3, 0x03)));
        var two = core.Append(Batch(2, (2, 0x02)));
        host.Run(10);
        Assert.Equal(0u, core.GetPageCount(Lsn.Zero));
        Assert.Equal(1u, core.GetPageCount(one.Commit));
        Assert.Equal(3u, core.GetPageCount(three.Commit));
        Assert.Equal(2u, core.GetPageCount(two.Commit));

        core.SetReadHorizon(three.Commit);
        Assert.Equal(3u, core.GetPageCount(three.Commit));
        Assert.Equal(2u, core.GetPageCount(two.Commit));
        host.Run(1000);
        var horizons = host.Sent.OfType<AppendRequest>().Select(a => a.ReadHorizon).ToList();
        Assert.Contains(three.Commit, horizons);
        Assert.All(cluster.Nodes, n => Assert.Equal(two.Commit, n.KnownDurable));
        AssertPage(Read(host, core, 3, three.Commit), 0x03);
    }
}
