using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Testing;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>The read-only replica mode of <see cref="QuorumVolumeCore"/>, over fake nodes with a virtual clock.</summary>
public sealed class QuorumReplicaCoreTests : BorealisTest
{
    const int PageSize = 256;
    const uint PagesPerGroup = 4;

    static (FakeHost Host, QuorumVolumeCore Core) OpenWriter(FakeCluster cluster)
    {
        var host = new FakeHost(cluster);
        var core = new QuorumVolumeCore(cluster.Options(PagesPerGroup, PageSize), host);
        host.Core = core;
        core.StartOpen();
        host.RunUntil(() => core.State != QuorumVolumeState.Opening);
        Assert.Equal(QuorumVolumeState.Open, core.State);
        return (host, core);
    }

    static (FakeHost Host, QuorumVolumeCore Core) OpenReplica(FakeCluster cluster, QuorumVolumeCore writer, Lsn start)
    {
        var host = new FakeHost(cluster);
        var core = new QuorumVolumeCore(cluster.Options(PagesPerGroup, PageSize), host);
        host.Core = core;
        core.StartOpenReplica(writer.Epoch, start, writer.GroupLasts(start), writer.GetPageCount(start));
        host.RunUntil(() => core.State != QuorumVolumeState.Opening);
        Assert.Equal(QuorumVolumeState.Open, core.State);
        return (host, core);
    }

    static RedoBatch Batch(uint pageCount, params (uint Page, byte Fill)[] pages)
    {
        var records = new List<RedoRecord>();
        foreach (var (page, fill) in pages.OrderBy(p => p.Page))
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

    /// <summary>Appends on the writer and runs it until the batch is durable.</summary>
    static AppendResult Commit(FakeHost host, QuorumVolumeCore writer, RedoBatch batch)
    {
        var result = writer.Append(batch);
        host.RunUntil(() => writer.DurableLsn >= result.Commit);
        return result;
    }

    static void AssertSameRead(PageReadOutcome expected, PageReadOutcome actual, string what)
    {
        Assert.Null(expected.Failure);
        Assert.Null(actual.Failure);
        Assert.True(expected.Version == actual.Version, $"{what}: version {actual.Version}, expected {expected.Version}");
        Assert.True(expected.Image.Span.SequenceEqual(actual.Image.Span), $"{what}: contents differ");
    }

    [Fact]
    public void AReplicaOpensWithoutWritingAndReadsWhatTheWriterReads()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var batches = new List<(RedoBatch Batch, AppendResult Lsns)>();
        for (byte i = 1; i <= 6; i++)
        {
            var batch = Batch(12, ((uint)i, i), ((uint)i + 4, (byte)(i + 100)), (12, (byte)(i + 200)));
            batches.Add((batch, Commit(writerHost, writer, batch)));
        }
        var start = batches[2].Lsns.Commit;
        var mapsBefore = cluster.Nodes.Select(n => n.Map).ToList();

        var (replicaHost, replica) = OpenReplica(cluster, writer, start);
        Assert.True(replica.IsReplica);
        Assert.Equal(writer.Epoch, replica.Epoch);
        Assert.Equal(start, replica.DurableLsn);
        Assert.Equal(start, replica.AppendedLsn);
        foreach (var (batch, lsns) in batches.Skip(3))
            replica.Observe(batch, lsns);
        replica.Observe(batches[1].Batch, batches[1].Lsns); // At or below what it observed: ignored.
        Assert.Equal(start, replica.DurableLsn); // Observed, but the writer's VDL was not announced yet.
        replica.ObserveDurable(writer.DurableLsn);
        Assert.Equal(writer.DurableLsn, replica.DurableLsn);

        for (int b = 2; b < batches.Count; b++)
        {
            var asOf = batches[b].Lsns.Commit;
            Assert.Equal(writer.GetPageCount(asOf), replica.GetPageCount(asOf));
            for (uint page = 1; page <= 13; page++)
                AssertSameRead(Read(writerHost, writer, page, asOf), Read(replicaHost, replica, page, asOf), $"page {page} at {asOf}");
        }

        // The replica sent only map and page reads, and no node's map changed.
        Assert.All(replicaHost.Sent, r => Assert.True(r is GetMapRequest or GetPageRequest, $"the replica sent a {r.GetType().Name}"));
        Assert.Equal(mapsBefore, cluster.Nodes.Select(n => n.Map));
        Assert.Throws<VolumeException>(() => replica.Append(Batch(12, (1, 1))));
        Assert.Throws<ArgumentException>(() => replica.Observe(Batch(12, (1, 1), (2, 2)), new AppendResult(batches[^1].Lsns.Commit, batches[^1].Lsns.Commit.Next)));
    }

    [Fact]
    public void ASegmentMissingTheGroupsLastFrameAnswersNotCaughtUpAndTheReadMovesOn()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var first = Commit(writerHost, writer, Batch(4, (1, 0x11)));
        var (replicaHost, replica) = OpenReplica(cluster, writer, first.Commit);

        // Nodes 1 and 2 (members of group 0) never get the second version: the write quorum does without them.
        writerHost.Drop = (node, request) => request is AppendRequest && node.Value is 1 or 2;
        var second = Commit(writerHost, writer, Batch(4, (1, 0x22)));
        Assert.True(cluster[new NodeId(1)].Scl(0) < second.Commit);
        replica.Observe(Batch(4, (1, 0x22)), second);
        replica.ObserveDurable(second.Commit);

        // Reads rotate over the members: every one must return the second version, never node 1's or 2's first.
        for (int i = 0; i < 12; i++)
        {
            var outcome = Read(replicaHost, replica, 1, second.Commit);
            Assert.Null(outcome.Failure);
            Assert.Equal(second.Commit, outcome.Version);
            Assert.True(outcome.Image.Span.IndexOfAnyExcept((byte)0x22) < 0, "the replica read a stale version");
        }
        Assert.Contains(replicaHost.Answered, a => a.Node.Value is 1 or 2 && a.Request is GetPageRequest
            && a.Response is ErrorResponse { Status: StorageStatus.NotCaughtUp });

        // At the older read point the lagging segments serve: they hold everything up to it.
        var old = Read(replicaHost, replica, 1, first.Commit);
        Assert.Equal(first.Commit, old.Version);
        Assert.True(old.Image.Span.IndexOfAnyExcept((byte)0x11) < 0);
    }

    [Fact]
    public void AReplicaLearnsAGroupTheWriterAddedAfterItOpened()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var first = Commit(writerHost, writer, Batch(4, (2, 0x01)));
        var (replicaHost, replica) = OpenReplica(cluster, writer, first.Commit);
        Assert.Single(replica.Map!.Groups);

        var grown = Batch(11, (3, 0x02), (10, 0x03));
        var second = Commit(writerHost, writer, grown);
        Assert.Equal(3, writer.Map!.Groups.Length);
        replica.Observe(grown, second);
        replica.ObserveDurable(second.Commit);

        var outcome = Read(replicaHost, replica, 10, second.Commit);
        Assert.Null(outcome.Failure);
        Assert.Equal(second.Commit, outcome.Version);
        Assert.True(outcome.Image.Span.IndexOfAnyExcept((byte)0x03) < 0);
        Assert.Equal(3, replica.Map!.Groups.Length);
        Assert.Equal(Lsn.Zero, Read(replicaHost, replica, 10, first.Commit).Version);
        Assert.Equal(11u, replica.GetPageCount(second.Commit));
        Assert.Equal(4u, replica.GetPageCount(first.Commit));
    }

    [Fact]
    public void ANewWriterSupersedesTheReplica()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var first = Commit(writerHost, writer, Batch(4, (1, 0x01)));
        var (replicaHost, replica) = OpenReplica(cluster, writer, first.Commit);
        Assert.Null(Read(replicaHost, replica, 1, first.Commit).Failure);

        var (_, second) = OpenWriter(cluster);
        Assert.Equal(writer.Epoch.Next, second.Epoch);

        var outcome = Read(replicaHost, replica, 1, first.Commit);
        var failure = Assert.IsType<VolumeException>(outcome.Failure);
        Assert.True(failure.IsTransient);
        Assert.Contains("writer changed", failure.Message, StringComparison.Ordinal);
        Assert.True(replica.Superseded);
        Assert.Equal(QuorumVolumeState.Failed, replica.State);
    }

    [Fact]
    public void AnIdleReplicaNoticesANewWriterFromItsMapProbe()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var first = Commit(writerHost, writer, Batch(4, (1, 0x01)));
        var (replicaHost, replica) = OpenReplica(cluster, writer, first.Commit);
        OpenWriter(cluster);

        replicaHost.RunUntil(() => replica.Superseded);
        Assert.Equal(QuorumVolumeState.Failed, replica.State);
    }

    [Fact]
    public void AReplicaOfAnEpochOlderThanTheNodesFailsToOpen()
    {
        var cluster = new FakeCluster(6);
        var (writerHost, writer) = OpenWriter(cluster);
        var first = Commit(writerHost, writer, Batch(4, (1, 0x01)));
        var lasts = writer.GroupLasts(first.Commit);
        OpenWriter(cluster);

        var host = new FakeHost(cluster);
        var replica = new QuorumVolumeCore(cluster.Options(PagesPerGroup, PageSize), host);
        host.Core = replica;
        replica.StartOpenReplica(writer.Epoch, first.Commit, lasts, 4);
        host.RunUntil(() => replica.State != QuorumVolumeState.Opening);
        Assert.True(replica.Superseded);
        Assert.IsType<VolumeException>(replica.Failure);
    }
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 20)];

    /// <summary>
    /// A writer under faults (nodes down, lost messages, gossip filling holes, members replaced) and a replica fed
    /// its stream: every replica read at a durable commit at or above its start equals the batches up to it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void AReplicaReadsTheBatchesUpToItsReadPointUnderFaults(int seed)
    {
        var random = new Random(seed);
        var cluster = new FakeCluster(7) { Gossip = true };
        var (writerHost, writer) = OpenWriter(cluster);
        var batches = new List<(RedoBatch Batch, AppendResult Lsns, Dictionary<uint, byte> Pages)>();
        byte nextFill = 1;
        (FakeHost Host, QuorumVolumeCore Core)? replica = null;
        Lsn start = default;
        int observed = 0;
        int reads = 0;

        for (int step = 0; step < 120; step++)
        {
            switch (random.Next(12))
            {
                case < 5:
                    var pages = new Dictionary<uint, byte>();
                    int count = random.Next(1, 4);
                    for (int i = 0; i < count; i++)
                        pages[(uint)random.Next(1, 17)] = nextFill++;
                    var batch = Batch(16, [.. pages.Select(p => (p.Key, p.Value))]);
                    batches.Add((batch, writer.Append(batch), pages));
                    break;
                case 5:
                    if (cluster.Nodes.Count(n => cluster.IsDown(n.Id)) < 2)
                        cluster.SetDown(cluster.Nodes[random.Next(cluster.Nodes.Count)].Id, true);
                    break;
                case 6:
                    foreach (var node in cluster.Nodes)
                        cluster.SetDown(node.Id, false);
                    break;
                case 7:
                    var lossy = new NodeId(random.Next(1, cluster.Nodes.Count + 1));
                    writerHost.Drop = (node, _) => node == lossy && random.Next(3) == 0;
                    break;
                case < 10:
                    writerHost.Run(random.Next(1, 300));
                    break;
                default:
                    if (replica is null)
                    {
                        if (writer.DurableLsn == Lsn.Zero)
                            break;
                        start = writer.DurableLsn;
                        observed = batches.FindLastIndex(b => b.Lsns.Commit <= start) + 1;
                        replica = OpenReplica(cluster, writer, start);
                        break;
                    }
                    var (host, core) = replica.Value;
                    // The receiver: the stream's batches in order, then the writer's VDL.
                    for (; observed < batches.Count; observed++)
                        core.Observe(batches[observed].Batch, batches[observed].Lsns);
                    core.ObserveDurable(writer.DurableLsn);
                    var readable = batches.Where(b => b.Lsns.Commit >= start && b.Lsns.Commit <= core.DurableLsn).ToList();
                    if (readable.Count == 0)
                        break;
                    var asOf = readable[random.Next(readable.Count)].Lsns.Commit;
                    uint page = (uint)random.Next(1, 17);
                    byte fill = 0;
                    foreach (var b in batches.TakeWhile(b => b.Lsns.Commit <= asOf))
                        fill = b.Pages.GetValueOrDefault(page, fill);
                    var outcome = Read(host, core, page, asOf);
                    uint g = (page - 1) / PagesPerGroup;
                    Assert.True(outcome.Failure is null, $"seed {seed}: page {page} at {asOf}: {outcome.Failure?.Message} start {start} " +
                        $"replica needs {core.GroupLasts(asOf)[g]} writer {writer.GroupLasts(asOf)[g]} members [{string.Join(",", core.Map!.Groups[(int)g].Members)}] " +
                        $"writer members [{string.Join(",", writer.Map!.Groups[(int)g].Members)}] " +
                        string.Join(" ", cluster.Nodes.Select(n => $"{n.Id}:{(cluster.IsDown(n.Id) ? "down" : "up")}/e{n.Map?.Epoch}v{n.Map?.Version}/scl{n.Scl(g)}")));
                    Assert.True(outcome.Image.Span.IndexOfAnyExcept(fill) < 0, $"seed {seed}: page {page} at {asOf} is not {fill}");
                    reads++;
                    break;
            }
            Assert.NotEqual(QuorumVolumeState.Failed, writer.State);
        }
        Assert.True(replica is null || replica.Value.Core.State == QuorumVolumeState.Open);
        Assert.True(reads > 0 || replica is null, $"seed {seed}: no replica read");
        Assert.All(replica?.Host.Sent ?? [], r => Assert.True(r is GetMapRequest or GetPageRequest, $"the replica sent a {r.GetType().Name}"));
    }
}
