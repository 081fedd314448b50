using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Testing;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

public sealed class QuorumVolumeTests : BorealisTest
{
    const int PageSize = 256;

    static QuorumVolumeOptions Options(FakeCluster cluster) => new()
    {
        Nodes = cluster.Infos,
        PageSize = PageSize,
        PagesPerGroup = 8,
        NewVolumeId = Guid.NewGuid(),
        RequestTimeout = TimeSpan.FromSeconds(1),
        TransportFactory = onResponse => new FakeTransport(cluster, onResponse),
    };

    static RedoBatch Batch(uint pageCount, uint page, byte fill)
    {
        var image = new byte[PageSize];
        image.AsSpan().Fill(fill);
        var delta = new ArrayBufferWriter<byte>();
        PageDelta.ComputeFull(image, delta);
        return new RedoBatch([new RedoRecord(new PageId(page), Lsn.Zero, delta.WrittenMemory)], pageCount);
    }

    [Fact]
    public async Task AppendsBecomeDurableAndReadBack()
    {
        var cluster = new FakeCluster(6);
        await using var volume = await QuorumVolume.OpenAsync(Options(cluster), TestToken);
        Assert.Equal(volume.DurableLsn, volume.AppendedLsn);
        Assert.Equal(new VolumeEpoch(2), volume.Epoch);

        AppendResult last = default;
        for (uint i = 1; i <= 20; i++)
            last = volume.Append(Batch(i, i, (byte)i));
        await volume.WaitForDurableAsync(last.Commit, TestToken).AsTask().WaitAsync(DefaultTimeout, TestToken);
        Assert.True(volume.DurableLsn >= last.Commit);
        Assert.Equal(20u, volume.GetPageCount(last.Commit));
        Assert.Equal(3, volume.Map!.Groups.Length);

        var page = new byte[PageSize];
        for (uint i = 1; i <= 20; i++)
        {
            var version = volume.ReadPage(new PageId(i), last.Commit, page);
            Assert.NotEqual(Lsn.Zero, version);
            Assert.True(page.AsSpan().IndexOfAnyExcept((byte)i) < 0);
        }
        Assert.Equal(Lsn.Zero, volume.ReadPage(new PageId(500), last.Commit, page));
    }

    [Fact]
    public async Task AFencedVolumeFailsItsWaiters()
    {
        var cluster = new FakeCluster(6);
        await using var first = await QuorumVolume.OpenAsync(Options(cluster), TestToken);
        var a = first.Append(Batch(1, 1, 0x01));
        await first.WaitForDurableAsync(a.Commit, TestToken).AsTask().WaitAsync(DefaultTimeout, TestToken);

        await using var second = await QuorumVolume.OpenAsync(Options(cluster), TestToken);
        Assert.Equal(first.Epoch.Next, second.Epoch);
        Assert.Equal(a.Commit, second.DurableLsn);

        // The old writer learns it is fenced from whichever answer comes first: its next append's, or a heartbeat's
        // (then the append itself is refused). Either way nothing of it becomes durable.
        VolumeException failure;
        try
        {
            var stale = first.Append(Batch(1, 1, 0x02));
            failure = await Assert.ThrowsAsync<VolumeException>(
                async () => await first.WaitForDurableAsync(stale.Commit, TestToken).AsTask().WaitAsync(DefaultTimeout, TestToken));
        }
        catch (VolumeException refused)
        {
            failure = refused;
        }
        Assert.Contains("fenced", failure.Message, StringComparison.Ordinal);
        Assert.Throws<VolumeException>(() => first.Append(Batch(1, 1, 0x03)));

        var page = new byte[PageSize];
        second.ReadPage(new PageId(1), second.DurableLsn, page);
        Assert.True(page.AsSpan().IndexOfAnyExcept((byte)0x01) < 0);
    }

    [Fact]
    public async Task OpenOverTcpWaitsForAQuorumAndGivesUpWhenCancelled()
    {
        // The default transport is TCP: nodes on closed ports never answer, so the open waits until cancelled.
        var nodes = Enumerable.Range(1, 6)
            .Select(i => new StorageNodeInfo(new NodeId(i), ((char)('a' + (i - 1) % 3)).ToString(), $"127.0.0.1:{FreePort.Next()}"))
            .ToList();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QuorumVolume.OpenAsync(new QuorumVolumeOptions { Nodes = nodes }, cancel.Token));
    }

    [Fact]
    public async Task OpenWaitsForAQuorumOfNodes()
    {
        var cluster = new FakeCluster(6);
        foreach (var id in new[] { 1, 2, 3, 4 })
            cluster.SetDown(new NodeId(id), true);
        var opening = QuorumVolume.OpenAsync(Options(cluster), TestToken);
        await Task.Delay(200, TestToken);
        Assert.False(opening.IsCompleted);
        lock (cluster)
        {
            cluster.SetDown(new NodeId(1), false);
            cluster.SetDown(new NodeId(2), false);
        }
        await using var volume = await opening.WaitAsync(DefaultTimeout, TestToken);
        var a = volume.Append(Batch(1, 1, 0x05));
        await volume.WaitForDurableAsync(a.Commit, TestToken).AsTask().WaitAsync(DefaultTimeout, TestToken);
    }
}
