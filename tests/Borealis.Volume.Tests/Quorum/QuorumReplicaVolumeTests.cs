using Borealis.Common;
using Borealis.Storage;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;
using Borealis.Testing;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

/// <summary><see cref="QuorumReplicaVolume"/> over six real storage nodes (node runners on disk, in-process transport).</summary>
public sealed class QuorumReplicaVolumeTests : BorealisTest
{
    const int PageSize = 256;
    const uint MaxPage = 40;

    /// <summary>Six storage nodes in zones a, b, c, reachable through one in-process network.</summary>
    sealed class Fleet : IAsyncDisposable
    {
        readonly TempDirectory _directory = new();
        readonly List<StorageNodeRunner> _runners = [];

        public Fleet()
        {
            string[] zones = ["a", "b", "c"];
            for (int i = 1; i <= 6; i++)
            {
                var info = new StorageNodeInfo(new NodeId(i), zones[(i - 1) % 3], $"node-{i}");
                var runner = new StorageNodeRunner(new StorageNodeOptions { Id = info.Id, Zone = info.Zone },
                    new FileStorageDisk(_directory.Sub(info.Address)), onResponse => Network.CreateTransport(onResponse));
                runner.Start(Network);
                Network.Register(info.Address, runner);
                _runners.Add(runner);
                Infos.Add(info);
            }
        }

        public InProcessStorageNetwork Network { get; } = new();

        public List<StorageNodeInfo> Infos { get; } = [];

        public QuorumVolumeOptions Options() => new()
        {
            Nodes = Infos,
            PageSize = PageSize,
            PagesPerGroup = 8,
            RequestTimeout = TimeSpan.FromSeconds(2),
            TransportFactory = onResponse => Network.CreateTransport(onResponse, TimeSpan.FromSeconds(2)),
        };

        /// <summary>Each node's map version and epoch.</summary>
        public async Task<List<(long Version, VolumeEpoch Epoch)>> MapsAsync(CancellationToken cancellationToken)
        {
            var maps = new List<(long, VolumeEpoch)>();
            foreach (var runner in _runners)
            {
                var status = await runner.GetStatusAsync(cancellationToken);
                maps.Add((status.MapVersion, status.Epoch));
            }
            return maps;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var runner in _runners)
                await runner.DisposeAsync();
            _directory.Dispose();
        }
    }

    /// <summary>Appends <paramref name="count"/> batches to the writer and the reference; returns each batch with its LSNs.</summary>
    static async Task<List<(Common.Redo.RedoBatch Batch, AppendResult Lsns)>> AppendAsync(
        QuorumVolume writer, InMemoryVolume reference, BatchGenerator generator, int count, CancellationToken cancellationToken)
    {
        var appended = new List<(Common.Redo.RedoBatch, AppendResult)>();
        for (int i = 0; i < count; i++)
        {
            var batch = generator.Next();
            var lsns = writer.Append(batch);
            Assert.Equal(lsns, reference.Append(batch));
            appended.Add((batch, lsns));
        }
        await writer.WaitForDurableAsync(appended[^1].Item2.Commit, cancellationToken).AsTask().WaitAsync(DefaultTimeout, cancellationToken);
        return appended;
    }

    static Task<QuorumReplicaVolume> OpenReplicaAsync(Fleet fleet, QuorumVolume writer, Lsn start, CancellationToken cancellationToken) =>
        QuorumReplicaVolume.OpenAsync(fleet.Options(), writer.Epoch, start, writer.GetGroupLasts(start), writer.GetPageCount(start), cancellationToken)
            .WaitAsync(DefaultTimeout, cancellationToken);

    [Fact]
    public async Task AReplicaFedTheStreamReadsEveryPageAsTheWriterWithoutChangingTheNodes()
    {
        await using var fleet = new Fleet();
        await using var writer = await QuorumVolume.OpenAsync(fleet.Options(), TestToken).WaitAsync(DefaultTimeout, TestToken);
        Assert.Equal(8u, writer.PagesPerGroup);
        var reference = new InMemoryVolume(PageSize);
        var generator = new BatchGenerator(11, PageSize, MaxPage, pageOrder: true);
        await AppendAsync(writer, reference, generator, 60, TestToken);
        var start = writer.DurableLsn;
        var maps = await fleet.MapsAsync(TestToken);

        await using var replica = await OpenReplicaAsync(fleet, writer, start, TestToken);
        Assert.Equal(writer.Epoch, replica.Epoch);
        Assert.Equal(start, replica.DurableLsn);
        Assert.Equal(maps, await fleet.MapsAsync(TestToken));

        // Pages last changed before the start read at the start (the group ends came from the writer).
        VolumeAssert.SameAt(reference, replica, start, MaxPage + 1);

        var after = await AppendAsync(writer, reference, generator, 60, TestToken);
        var waiting = replica.WaitForDurableAsync(after[^1].Lsns.Commit, TestToken).AsTask();
        foreach (var (batch, lsns) in after)
            replica.Observe(batch, lsns);
        Assert.False(waiting.IsCompleted);
        replica.AdvanceDurable(writer.DurableLsn);
        await waiting.WaitAsync(DefaultTimeout, TestToken);
        Assert.Equal(after[^1].Lsns.Commit, replica.DurableLsn);

        foreach (var i in new[] { 0, 17, 33, 59 })
        {
            var asOf = after[i].Lsns.Commit;
            VolumeAssert.SameAt(reference, replica, asOf, MaxPage + 1);
            VolumeAssert.SameAt(writer, replica, asOf, MaxPage + 1);
        }
        Assert.Equal(maps, await fleet.MapsAsync(TestToken));
        var append = Assert.Throws<VolumeException>(() => replica.Append(after[0].Batch));
        Assert.Contains("read-only replica", append.Message, StringComparison.Ordinal);

        // Trimming the replica's history below a read point keeps reads at and above it.
        replica.SetReadHorizon(after[33].Lsns.Commit);
        VolumeAssert.SameAt(reference, replica, after[33].Lsns.Commit, MaxPage + 1);
        VolumeAssert.SameAt(reference, replica, replica.DurableLsn, MaxPage + 1);
    }

    [Fact]
    public async Task AWriterRecoveryBumpsTheEpochAndTheReplicaReportsSuperseded()
    {
        await using var fleet = new Fleet();
        var reference = new InMemoryVolume(PageSize);
        var generator = new BatchGenerator(5, PageSize, MaxPage, pageOrder: true);
        await using var writer = await QuorumVolume.OpenAsync(fleet.Options(), TestToken).WaitAsync(DefaultTimeout, TestToken);
        await AppendAsync(writer, reference, generator, 10, TestToken);
        var start = writer.DurableLsn;
        await using var replica = await OpenReplicaAsync(fleet, writer, start, TestToken);
        var superseded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        replica.Superseded += (_, _) => superseded.TrySetResult();
        VolumeAssert.SameAt(reference, replica, start, MaxPage);
        Assert.False(replica.IsSuperseded);

        await using var recovered = await QuorumVolume.OpenAsync(fleet.Options(), TestToken).WaitAsync(DefaultTimeout, TestToken);
        Assert.Equal(writer.Epoch.Next, recovered.Epoch);
        // A node still at the old epoch would serve the old read point correctly: wait until every node has the new one.
        await Eventually.AssertAsync(async () => (await fleet.MapsAsync(TestToken)).All(m => m.Epoch == recovered.Epoch),
            because: "the new writer sends its map to every node");

        var failure = Assert.Throws<VolumeException>(() => replica.ReadPage(new PageId(1), start, new byte[PageSize]));
        Assert.True(failure.IsTransient);
        Assert.Contains("writer changed", failure.Message, StringComparison.Ordinal);
        Assert.True(replica.IsSuperseded);
        await superseded.Task.WaitAsync(DefaultTimeout, TestToken);

        // A replica of the new writer opens and reads what it recovered.
        await using var next = await OpenReplicaAsync(fleet, recovered, recovered.DurableLsn, TestToken);
        VolumeAssert.SameAt(reference, next, recovered.DurableLsn, MaxPage);
    }
}
