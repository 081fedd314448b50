using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Testing;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>
/// Seeded runs of one writer after another over fake nodes with nodes going down, lost messages and writer crashes:
/// every batch durable before a crash survives it, a recovered VDL is a batch boundary, and pages read at it equal
/// the batches up to it.
/// </summary>
public sealed class QuorumVolumeCoreRandomTests : BorealisTest
{
    const int PageSize = 64;
    const uint Pages = 12;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 50)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AcknowledgedBatchesSurviveCrashesAndFaults(int seed)
    {
        var random = new Random(seed);
        var cluster = new FakeCluster(7) { Gossip = true };
        var options = cluster.Options(pagesPerGroup: 4, pageSize: PageSize, maxAppendsInFlight: 1 + (seed & 1), paceAppends: (seed & 2) == 0);
        var batches = new List<(Lsn Commit, Dictionary<uint, byte> Pages, uint PageCount)>();
        var acknowledged = Lsn.Zero;
        byte nextFill = 1;

        for (int writer = 0; writer < 4; writer++)
        {
            var host = new FakeHost(cluster);
            var core = new QuorumVolumeCore(options, host);
            host.Core = core;
            core.StartOpen();
            host.RunUntil(() => core.State != QuorumVolumeState.Opening, () => $"seed {seed} writer {writer}: {core.DescribeRecovery()}");
            Assert.Equal(QuorumVolumeState.Open, core.State);

            // Recovery keeps every acknowledged batch and stops at a batch boundary.
            var vdl = core.DurableLsn;
            Assert.True(vdl >= acknowledged, $"seed {seed}: recovered {vdl} below acknowledged {acknowledged}");
            Assert.True(vdl == Lsn.Zero || batches.Any(b => b.Commit == vdl), $"seed {seed}: VDL {vdl} is not a commit");
            batches.RemoveAll(b => b.Commit > vdl);
            CheckPages(host, core, batches, vdl, seed);

            int steps = random.Next(10, 40);
            for (int step = 0; step < steps; step++)
            {
                switch (random.Next(10))
                {
                    case < 5:
                        var pages = new Dictionary<uint, byte>();
                        int count = random.Next(1, 4);
                        for (int i = 0; i < count; i++)
                            pages[(uint)random.Next(1, (int)Pages + 1)] = nextFill++;
                        uint pageCount = Math.Max(batches.Count > 0 ? batches[^1].PageCount : 0, pages.Keys.Max());
                        var result = core.Append(Batch(pageCount, pages));
                        batches.Add((result.Commit, pages, pageCount));
                        break;
                    case 5:
                        var down = cluster.Nodes[random.Next(cluster.Nodes.Count)].Id;
                        if (cluster.Nodes.Count(n => cluster.IsDown(n.Id)) < 2)
                            cluster.SetDown(down, true);
                        break;
                    case 6:
                        foreach (var node in cluster.Nodes)
                            cluster.SetDown(node.Id, false);
                        break;
                    case 7:
                        var lossy = new NodeId(random.Next(1, cluster.Nodes.Count + 1));
                        host.Drop = (node, _) => node == lossy && random.Next(3) == 0;
                        break;
                    default:
                        host.Run(random.Next(1, 300));
                        break;
                }
                Assert.NotEqual(QuorumVolumeState.Failed, core.State);
                acknowledged = Lsn.Max(acknowledged, core.DurableLsn);
            }
            host.Drop = null;
            foreach (var node in cluster.Nodes)
                cluster.SetDown(node.Id, false);
            if (random.Next(2) == 0)
            {
                host.Run(random.Next(0, 50));
                acknowledged = Lsn.Max(acknowledged, core.DurableLsn);
                CheckPages(host, core, batches, core.DurableLsn, seed);
            }
            // Crash: the writer's in-flight requests are lost with it.
            acknowledged = Lsn.Max(acknowledged, core.DurableLsn);
            host.Crash();
            if (random.Next(2) == 0)
                cluster.SetDown(cluster.Nodes[random.Next(cluster.Nodes.Count)].Id, true);
        }
    }

    static void CheckPages(FakeHost host, QuorumVolumeCore core, List<(Lsn Commit, Dictionary<uint, byte> Pages, uint PageCount)> batches, Lsn at, int seed)
    {
        var expected = new Dictionary<uint, byte>();
        uint pageCount = 0;
        foreach (var (commit, pages, count) in batches)
        {
            if (commit > at)
                break;
            foreach (var (page, fill) in pages)
                expected[page] = fill;
            pageCount = count;
        }
        Assert.Equal(pageCount, core.GetPageCount(at));
        for (uint page = 1; page <= Pages; page++)
        {
            PageReadOutcome? outcome = null;
            core.StartRead(new PageId(page), at, o => outcome = o with { Image = o.Image.ToArray() });
            host.RunUntil(() => outcome is not null);
            Assert.Null(outcome!.Value.Failure);
            byte fill = expected.GetValueOrDefault(page);
            Assert.True(outcome.Value.Image.Span.IndexOfAnyExcept(fill) < 0, $"seed {seed}: page {page} at {at} is not {fill}");
        }
    }

    static RedoBatch Batch(uint pageCount, Dictionary<uint, byte> pages)
    {
        var records = new List<RedoRecord>();
        foreach (var (page, fill) in pages.OrderBy(p => p.Key))
        {
            var image = new byte[PageSize];
            image.AsSpan().Fill(fill);
            var delta = new ArrayBufferWriter<byte>();
            PageDelta.ComputeFull(image, delta);
            records.Add(new RedoRecord(new PageId(page), Lsn.Zero, delta.WrittenMemory));
        }
        return new RedoBatch(records, pageCount);
    }
}
