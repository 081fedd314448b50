using System.Collections.Concurrent;
using System.Diagnostics;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Transport.Tests;

/// <summary>
/// <see cref="GetNodeStatsRequest"/> on a real node (a <see cref="StorageNodeRunner"/> on real files): its fsync
/// statistics count exactly the fsyncs its disk made and time them, and its queue depth counts requests behind the
/// stats request and appends waiting for the group fsync.
/// </summary>
public sealed class StorageNodeStatsTests : BorealisTest
{
    static readonly TimeSpan s_answer = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task FsyncStatisticsCountAndTimeEveryFsyncTheNodeMakes()
    {
        using var directory = new TempDirectory();
        var disk = new CountingDisk(new FileStorageDisk(directory.Path));
        await using var node = Start(disk);
        int atStart = disk.Syncs;
        Assert.True(atStart > 0, "opening a new node writes its id file durably");

        var map = OneNodeMap();
        Assert.IsType<OkResponse>(await node.AskAsync(new SetMapRequest(map)));
        const int appends = 20;
        for (int i = 1; i <= appends; i++)
        {
            var answer = Assert.IsType<AppendResponse>(await node.AskAsync(Append(map, i)));
            Assert.Equal(new Lsn((ulong)i), Assert.Single(answer.Segments).Scl);
        }

        var stats = Assert.IsType<NodeStatsResponse>(await node.AskAsync(new GetNodeStatsRequest()));
        Assert.Equal(new NodeId(1), stats.Node);
        // Every fsync of the disk, and only those: the node's id and map files, its segment, one per acknowledged append.
        Assert.Equal((ulong)disk.Syncs, stats.Fsyncs.Count);
        Assert.True(disk.Syncs >= atStart + appends, $"{disk.Syncs} fsyncs for {appends} acknowledged appends");
        Assert.Equal((uint)disk.Syncs, stats.Fsyncs.RecentCount);
        Assert.True(stats.Fsyncs.RecentMaxNanoseconds > 0);
        Assert.True(stats.Fsyncs.RecentP50Nanoseconds <= stats.Fsyncs.RecentP99Nanoseconds && stats.Fsyncs.RecentP99Nanoseconds <= stats.Fsyncs.RecentMaxNanoseconds);
        Assert.InRange(stats.Fsyncs.TotalNanoseconds, stats.Fsyncs.RecentMaxNanoseconds, stats.Fsyncs.RecentMaxNanoseconds * stats.Fsyncs.Count);
        // The disk's own measurement of its slowest sync bounds the node's from below (the node times around it).
        Assert.True(stats.Fsyncs.RecentMaxNanoseconds >= (ulong)disk.SlowestNanoseconds, $"{stats.Fsyncs.RecentMaxNanoseconds} ns < {disk.SlowestNanoseconds} ns");
        Assert.Equal(0U, stats.QueueDepth);
    }

    [Fact]
    public async Task QueueDepthCountsRequestsBehindAndAppendsWaitingForTheGroupFsync()
    {
        using var directory = new TempDirectory();
        var disk = new CountingDisk(new FileStorageDisk(directory.Path));
        await using var node = Start(disk);
        var map = OneNodeMap();
        Assert.IsType<OkResponse>(await node.AskAsync(new SetMapRequest(map)));

        // An append answered: the node has nothing left to sync.
        Assert.IsType<AppendResponse>(await node.AskAsync(Append(map, 1)));

        // Hold the node's loop inside the fsync of append 2; meanwhile append 3, the stats request and append 4 queue.
        disk.Hold();
        var held = node.AskAsync(Append(map, 2));
        await disk.HeldAsync();
        var holding = Stopwatch.StartNew();
        var third = node.AskAsync(Append(map, 3));
        var stats = node.AskAsync(new GetNodeStatsRequest());
        var fourth = node.AskAsync(Append(map, 4));
        long heldNanoseconds = (long)(holding.Elapsed.TotalMilliseconds * 1e6);
        disk.Release();

        Assert.IsType<AppendResponse>(await held);
        // The loop takes the three together: append 3 waits for the fsync when it gets to the stats; append 4 is behind it.
        var answer = Assert.IsType<NodeStatsResponse>(await stats);
        Assert.Equal((1U, 1U, 2U), (answer.QueuedRequests, answer.AwaitingFsync, answer.QueueDepth));
        Assert.True(answer.Fsyncs.RecentMaxNanoseconds >= (ulong)heldNanoseconds, "the held fsync was timed whole");
        Assert.Equal(new Lsn(4), Assert.Single(Assert.IsType<AppendResponse>(await fourth).Segments).Scl);
        Assert.IsType<AppendResponse>(await third);
    }

    /// <summary>A one-node volume whose group 0 this node holds alone.</summary>
    static VolumeMap OneNodeMap()
    {
        var self = new StorageNodeInfo(new NodeId(1), "a", "127.0.0.1:1");
        return new VolumeMap(Guid.Parse("0f0e0d0c-0b0a-0908-0706-050403020100"), 1, new VolumeEpoch(1), 256, 8, [self],
            [new GroupMembership(0, 1, [self.Id], [])], []);
    }

    /// <summary>Append number <paramref name="n"/>: one record (page 1) at LSN n, continuing from LSN n − 1.</summary>
    static AppendRequest Append(VolumeMap map, int n)
    {
        var lsn = new Lsn((ulong)n);
        var delta = new byte[PageDelta.RunHeader + 1];
        delta[PageDelta.RunHeader - 2] = 1; // one byte at offset 0
        delta[^1] = (byte)n;
        var frame = new SegmentFrame(0, map.Epoch, lsn, new Lsn((ulong)n - 1), lsn, 1, [new RedoRecord(new PageId(1), new Lsn((ulong)n - 1), delta)]);
        return new AppendRequest(map.Epoch, Lsn.Zero, 0, Lsn.Zero, [frame]);
    }

    /// <summary>A node (id 1, zone a) on <paramref name="disk"/>; it has no peers to talk to.</summary>
    static Node Start(IStorageDisk disk)
    {
        var runner = new StorageNodeRunner(new StorageNodeOptions { Id = new NodeId(1), Zone = "a" }, disk, onResponse => new InProcessStorageNetwork().CreateTransport(onResponse));
        var node = new Node(runner);
        runner.Start(node);
        return node;
    }

    /// <summary>A running node and its answers, asked directly through <see cref="StorageNodeRunner.Handle"/>.</summary>
    sealed class Node(StorageNodeRunner runner) : IStorageResponder, IAsyncDisposable
    {
        readonly ConcurrentDictionary<ulong, TaskCompletionSource<StorageResponse>> _answers = new();
        long _next;

        public void Reply(RequestContext context, StorageResponse response)
        {
            if (_answers.TryGetValue(context.RequestId, out var answer))
                answer.TrySetResult(response);
        }

        public Task<StorageResponse> AskAsync(StorageRequest request)
        {
            ulong id = (ulong)Interlocked.Increment(ref _next);
            var answer = new TaskCompletionSource<StorageResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            _answers[id] = answer;
            runner.Handle(new RequestContext(1, id), request);
            return answer.Task.WaitAsync(s_answer, TestToken);
        }

        public ValueTask DisposeAsync() => runner.DisposeAsync();
    }

    /// <summary>A disk that counts and times its fsyncs, and can hold the next one until released.</summary>
    sealed class CountingDisk(IStorageDisk inner) : IStorageDisk
    {
        readonly object _lock = new();
        int _syncs;
        long _slowest;
        TaskCompletionSource? _held;
        bool _holding;

        public int Syncs => Volatile.Read(ref _syncs);

        public long SlowestNanoseconds => Interlocked.Read(ref _slowest);

        /// <summary>The next fsync blocks until <see cref="Release"/>.</summary>
        public void Hold()
        {
            lock (_lock)
            {
                _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _holding = true;
            }
        }

        /// <summary>Completes once an fsync is blocked by <see cref="Hold"/>.</summary>
        public Task HeldAsync()
        {
            lock (_lock)
                return _held!.Task.WaitAsync(s_answer, TestToken);
        }

        public void Release()
        {
            lock (_lock)
            {
                _holding = false;
                Monitor.PulseAll(_lock);
            }
        }

        void Sync(Action sync)
        {
            var timer = Stopwatch.StartNew();
            lock (_lock)
            {
                if (_holding && _held!.TrySetResult())
                {
                    while (_holding)
                        Monitor.Wait(_lock);
                }
            }
            sync();
            long nanoseconds = (long)(timer.Elapsed.TotalMilliseconds * 1e6);
            Interlocked.Increment(ref _syncs);
            long slowest;
            while (nanoseconds > (slowest = Interlocked.Read(ref _slowest)) && Interlocked.CompareExchange(ref _slowest, nanoseconds, slowest) != slowest)
            {
            }
        }

        public IStorageFile Open(string name, bool create) => new CountingFile(inner.Open(name, create), this);

        public bool Exists(string name) => inner.Exists(name);

        public IReadOnlyList<string> List(string prefix) => inner.List(prefix);

        public void Delete(string name) => inner.Delete(name);

        public void Rename(string source, string destination) => inner.Rename(source, destination);

        public void SyncDirectory() => Sync(inner.SyncDirectory);

        sealed class CountingFile(IStorageFile file, CountingDisk disk) : IStorageFile
        {
            public long Length => file.Length;

            public int Read(long offset, Span<byte> destination) => file.Read(offset, destination);

            public void Write(long offset, ReadOnlySpan<byte> source) => file.Write(offset, source);

            public void SetLength(long length) => file.SetLength(length);

            public void Sync() => disk.Sync(file.Sync);

            public void Dispose() => file.Dispose();
        }
    }
}
