using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Hosting.Replication;
using Borealis.Testing;
using Borealis.Volume;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Hosting.Tests;

/// <summary>The loop that tells readers the writer's VDL, and that the writer is alive.</summary>
public sealed class DurablePushTests : BorealisTest
{
    /// <summary>A volume whose durable LSN stays where it is, with commits appended above it: storage that has stalled.</summary>
    sealed class StalledVolume(Lsn durable, Lsn appended) : IVolume
    {
        public int PageSize => 4096;
        public VolumeEpoch Epoch => new(1);
        public Lsn DurableLsn => durable;
        public Lsn AppendedLsn => appended;
        public AppendResult Append(RedoBatch batch) => throw new VolumeException("not used");

        public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) =>
            lsn <= durable ? ValueTask.CompletedTask : new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken));

        public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination) => throw new VolumeException("not used");
        public uint GetPageCount(Lsn asOf) => 0;
        public void SetReadHorizon(Lsn oldestReadPoint) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task HeartbeatsContinueWhileACommitWaitsForDurability()
    {
        var durable = new Lsn(10);
        var appended = new Lsn(20);
        var volume = new StalledVolume(durable, appended);
        using var signal = new SemaphoreSlim(0, 1);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var sent = new List<Lsn>();
        var push = DurablePush.RunAsync(volume, () => appended, signal,
            vdl => { lock (sent) sent.Add(vdl); }, () => { }, NullLogger.Instance, stopping.Token);
        try
        {
            // A reader takes 3 s of silence for a lost writer; heartbeats must keep coming while commit 20 waits.
            await Eventually.AssertAsync(() => { lock (sent) return sent.Count >= 5; },
                TimeSpan.FromSeconds(10), "five heartbeats while the volume is stalled");
            lock (sent)
                Assert.All(sent, vdl => Assert.Equal(durable, vdl));
        }
        finally
        {
            await stopping.CancelAsync();
            await push;
        }
    }
}
