using System.Diagnostics;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Testing;

namespace Borealis.Volume.Tests;

/// <summary>Rough commit-latency numbers for the local volume (a soak test: run by hand, not in CI).</summary>
public sealed class LocalVolumeBenchmarkTests(ITestOutputHelper output) : BorealisTest, IDisposable
{
    readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [Trait("Category", "Soak")]
    [InlineData(1)]
    [InlineData(16)]
    public async Task SmallCommitsAreOneWriteAndOneSharedFsync(int committers)
    {
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), new LocalVolumeOptions(), TestToken);
        var appendLock = new Lock();
        var versions = new Lsn[committers + 1];
        int commitsEach = 4000 / committers;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, committers).Select(c => Task.Run(async () =>
        {
            byte[] delta = new byte[PageDelta.RunHeader + 100];
            delta[2] = 100;
            for (int i = 0; i < commitsEach; i++)
            {
                AppendResult result;
                lock (appendLock)
                {
                    result = volume.Append(new RedoBatch([new RedoRecord(new PageId((uint)c), versions[c], delta)], (uint)committers));
                    versions[c] = result.Commit;
                }
                await volume.WaitForDurableAsync(result.Commit, TestToken);
            }
        }, TestToken)));
        clock.Stop();
        int commits = commitsEach * committers;
        output.WriteLine($"{committers} committers: {commits} commits in {clock.Elapsed.TotalMilliseconds:0} ms " +
            $"({commits / clock.Elapsed.TotalSeconds:0} commits/s, {clock.Elapsed.TotalMicroseconds * committers / commits:0} µs per commit), {volume.FlushCount} fsyncs");
        Assert.Equal((ulong)commits, volume.DurableLsn.Value);
    }
}
