using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Testing;

namespace Borealis.Volume.Tests;

public sealed class LocalVolumeTests(ITestOutputHelper output) : BorealisTest, IDisposable
{
    const int PageSize = 1024;
    const uint MaxPage = 24;

    readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    static LocalVolumeOptions Options(long memory = 64L << 20, long segment = 16L << 20, long threshold = 64L << 20, Action<LocalVolumeFaultPoint>? faults = null)
        => new() { PageSize = PageSize, MaxMemoryRedoBytes = memory, SegmentBytes = segment, CheckpointThresholdBytes = threshold, FaultInjector = faults };

    static async Task<(InMemoryVolume Reference, List<AppendResult> Results)> AppendAsync(LocalVolume volume, BatchGenerator generator, int count, InMemoryVolume? reference = null)
    {
        reference ??= new InMemoryVolume(PageSize);
        var results = new List<AppendResult>(count);
        for (int i = 0; i < count; i++)
        {
            var batch = generator.Next();
            var result = volume.Append(batch);
            Assert.Equal(reference.Append(batch), result);
            results.Add(result);
        }
        if (results.Count > 0)
            await volume.WaitForDurableAsync(results[^1].Commit, TestToken);
        return (reference, results);
    }

    [Theory]
    [InlineData(1, 64L << 20)]
    [InlineData(2, 0)]
    [InlineData(3, 4096)]
    public async Task ReadsMatchInMemoryVolumeAtEveryLsn(int seed, long memoryBytes)
    {
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), Options(memory: memoryBytes, segment: 8192), TestToken);
        var (reference, results) = await AppendAsync(volume, new BatchGenerator(seed, PageSize, MaxPage), 150);

        Assert.Equal(results[^1].Commit, volume.AppendedLsn);
        Assert.Equal(results[^1].Commit, volume.DurableLsn);
        for (ulong lsn = 0; lsn <= volume.AppendedLsn.Value; lsn++)
            VolumeAssert.SameAt(reference, volume, new Lsn(lsn), MaxPage + 1);
    }

    [Fact]
    public async Task ReopenAfterDisposeReturnsEverything()
    {
        string dir = _temp.Sub("v");
        var generator = new BatchGenerator(7, PageSize, MaxPage);
        InMemoryVolume reference;
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 8192), TestToken))
        {
            (reference, _) = await AppendAsync(volume, generator, 100);
            // Appended but not waited for: dispose flushes it.
            var last = generator.Next();
            volume.Append(last);
            reference.Append(last);
        }
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 8192), TestToken))
        {
            Assert.Equal(reference.AppendedLsn, volume.AppendedLsn);
            Assert.Equal(reference.AppendedLsn, volume.DurableLsn);
            for (ulong lsn = 0; lsn <= volume.AppendedLsn.Value; lsn += 3)
                VolumeAssert.SameAt(reference, volume, new Lsn(lsn), MaxPage);

            // And it keeps going from there.
            await AppendAsync(volume, generator, 20, reference);
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
        }
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 8192), TestToken))
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
    }

    [Fact]
    public async Task CrashCopiesRecoverAPrefixThatHoldsEveryDurableBatch()
    {
        const int batches = 1500;
        var generator = new BatchGenerator(11, PageSize, MaxPage);
        var all = Enumerable.Range(0, batches).Select(_ => generator.Next()).ToList();
        var reference = new InMemoryVolume(PageSize);
        var commits = new HashSet<Lsn> { Lsn.Zero };
        foreach (var batch in all)
            commits.Add(reference.Append(batch).Commit);

        string dir = _temp.Sub("v");
        var copies = new List<(string Path, Lsn DurableBefore)>();
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 32 * 1024), TestToken))
        {
            var writer = Task.Run(async () =>
            {
                var random = new Random(3);
                foreach (var batch in all)
                {
                    var result = volume.Append(batch);
                    if (random.Next(4) == 0)
                        await volume.WaitForDurableAsync(result.Commit, TestToken);
                }
            }, TestToken);
            var random = new Random(5);
            while (!writer.IsCompleted)
            {
                var durable = volume.DurableLsn;
                string copy = _temp.Sub($"crash{copies.Count}");
                TempDirectory.CopyVolume(dir, copy);
                copies.Add((copy, durable));
                await Task.Delay(random.Next(0, 5), TestToken);
            }
            await writer;
        }

        Assert.NotEmpty(copies);
        var recoveredPoints = new HashSet<Lsn>();
        foreach (var (path, durableBefore) in copies)
        {
            await using var recovered = await LocalVolume.OpenAsync(path, Options(), TestToken);
            var lsn = recovered.AppendedLsn;
            Assert.Contains(lsn, commits);
            Assert.True(lsn >= durableBefore, $"recovered to {lsn}, but {durableBefore} was durable before the copy");
            recoveredPoints.Add(lsn);
            Assert.Equal(lsn, recovered.DurableLsn);
            VolumeAssert.SameAt(reference, recovered, lsn, MaxPage);
        }
        output.WriteLine($"{copies.Count} crash copies recovered to {recoveredPoints.Count} distinct points");
    }

    [Fact]
    public async Task TruncatedLogRecoversExactlyACompletePrefix()
    {
        string dir = _temp.Sub("v");
        var reference = new InMemoryVolume(PageSize);
        var commits = new List<Lsn> { Lsn.Zero };
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
            var (r, results) = await AppendAsync(volume, new BatchGenerator(13, PageSize, MaxPage), 60, reference);
            commits.AddRange(results.Select(x => x.Commit));
        }
        string segment = Directory.GetFiles(Path.Combine(dir, "log")).Order().Last();
        long length = new FileInfo(segment).Length;
        var random = new Random(17);
        var offsets = Enumerable.Range(0, 40).Select(_ => (long)random.Next(0, (int)length)).Append(length).Append(64).Order().ToList();
        var previous = Lsn.Zero;
        for (int i = 0; i < offsets.Count; i++)
        {
            string copy = _temp.Sub($"cut{i}");
            TempDirectory.CopyVolume(dir, copy);
            string copiedSegment = Path.Combine(copy, "log", Path.GetFileName(segment));
            using (var stream = new FileStream(copiedSegment, FileMode.Open))
                stream.SetLength(offsets[i]);

            await using var recovered = await LocalVolume.OpenAsync(copy, Options(), TestToken);
            var lsn = recovered.AppendedLsn;
            Assert.Contains(lsn, commits);
            Assert.True(lsn >= previous, "a longer log never recovers less");
            previous = lsn;
            VolumeAssert.SameAt(reference, recovered, lsn, MaxPage);
            if (offsets[i] == length)
                Assert.Equal(commits[^1], lsn);
        }
    }

    [Fact]
    public async Task AfterATornTailTheVolumeContinuesFromTheRecoveredPoint()
    {
        string dir = _temp.Sub("v");
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
            await AppendAsync(volume, new BatchGenerator(73, PageSize, MaxPage), 50);
        string segment = Directory.GetFiles(Path.Combine(dir, "log")).Order().Last();
        long length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
            stream.SetLength(length * 2 / 3);

        BatchGenerator generator;
        Lsn recoveredAt;
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
            recoveredAt = volume.AppendedLsn;
            Assert.True(recoveredAt > Lsn.Zero);
            // The LSNs after the recovered point are given again, to new batches.
            generator = BatchGenerator.Continuing(volume, 79, MaxPage);
            var first = volume.Append(generator.Next());
            Assert.Equal(recoveredAt.Next, first.First);
            for (int i = 0; i < 30; i++)
                await volume.WaitForDurableAsync(volume.Append(generator.Next()).Commit, TestToken);
        }
        for (int reopen = 0; reopen < 2; reopen++)
        {
            await using var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken);
            byte[] actual = new byte[PageSize];
            for (uint p = 1; p <= MaxPage; p++)
            {
                var (image, version) = generator.Expected(p);
                Assert.Equal(version, volume.ReadPage(new PageId(p), volume.AppendedLsn, actual));
                Assert.True(image.AsSpan().SequenceEqual(actual), $"page {p}");
            }
        }
    }

    [Fact]
    public async Task FlippedByteInTheTailFrameDropsOnlyThatBatch()
    {
        string dir = _temp.Sub("v");
        List<AppendResult> results;
        InMemoryVolume reference;
        int lastFrameBytes;
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
            var generator = new BatchGenerator(19, PageSize, MaxPage);
            (reference, results) = await AppendAsync(volume, generator, 30);
            long before = volume.LogBytes;
            var (_, last) = await AppendAsync(volume, generator, 1, reference);
            results.AddRange(last);
            lastFrameBytes = (int)(volume.LogBytes - before);
        }
        string segment = Directory.GetFiles(Path.Combine(dir, "log")).Order().Last();
        long length = new FileInfo(segment).Length;
        var random = new Random(23);
        for (int i = 0; i < 10; i++)
        {
            string copy = _temp.Sub($"flip{i}");
            TempDirectory.CopyVolume(dir, copy);
            string copiedSegment = Path.Combine(copy, "log", Path.GetFileName(segment));
            byte[] data = await File.ReadAllBytesAsync(copiedSegment, TestToken);
            data[length - 1 - random.Next(lastFrameBytes)] ^= (byte)(1 << random.Next(8));
            await File.WriteAllBytesAsync(copiedSegment, data, TestToken);

            await using var recovered = await LocalVolume.OpenAsync(copy, Options(), TestToken);
            Assert.Equal(results[^2].Commit, recovered.AppendedLsn);
            VolumeAssert.SameAt(reference, recovered, recovered.AppendedLsn, MaxPage);
            Assert.Equal(length - lastFrameBytes, new FileInfo(copiedSegment).Length);
        }
    }

    [Fact]
    public async Task TheActiveSegmentGrowsIntoReservedSpaceAndACleanCloseGivesItBack()
    {
        string dir = _temp.Sub("v");
        string segment;
        long frames;
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
            var (_, results) = await AppendAsync(volume, new BatchGenerator(97, PageSize, MaxPage), 5);
            segment = Directory.GetFiles(Path.Combine(dir, "log")).Order().Last();
            frames = volume.LogBytes;
            long onDisk = new FileInfo(segment).Length;
            Assert.True(onDisk >= Borealis.Common.IO.NativeFile.MinReserveAhead && onDisk > frames, $"the active segment is {onDisk} bytes for {frames} of log");
        }
        Assert.True(new FileInfo(segment).Length < Borealis.Common.IO.NativeFile.MinReserveAhead, "a clean close gives the reservation back");
    }

    [Fact]
    public async Task ZerosAfterTheLastFrameAreReservedSpaceNotATornTail()
    {
        // What a crash leaves: every segment, sealed ones included (their trim is not synced), may end in zeros.
        string dir = _temp.Sub("v");
        var generator = new BatchGenerator(101, PageSize, MaxPage);
        var reference = new InMemoryVolume(PageSize);
        var results = new List<AppendResult>();
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 4096), TestToken))
        {
            // One flush per batch, so that the small segments roll (a flush of many batches fills one segment).
            for (int i = 0; i < 60; i++)
            {
                var batch = generator.Next();
                var result = volume.Append(batch);
                Assert.Equal(reference.Append(batch), result);
                results.Add(result);
                await volume.WaitForDurableAsync(result.Commit, TestToken);
            }
        }
        var segments = Directory.GetFiles(Path.Combine(dir, "log")).Order().ToList();
        Assert.True(segments.Count > 2, $"{segments.Count} segments");
        var lengths = segments.Select(path => new FileInfo(path).Length).ToList();
        foreach (string path in segments)
        {
            using var stream = new FileStream(path, FileMode.Open);
            stream.SetLength(stream.Length + 3 * PageSize);
        }

        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 4096), TestToken))
        {
            Assert.Equal(results[^1].Commit, volume.AppendedLsn);
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
        }
        Assert.Equal(lengths, segments.Select(path => new FileInfo(path).Length));

        // Zeros with anything else after them are a torn tail, as before: before the last segment, damage.
        using (var stream = new FileStream(segments[0], FileMode.Open))
        {
            stream.SetLength(stream.Length + 2 * PageSize);
            stream.Position = stream.Length - 1;
            stream.WriteByte(1);
        }
        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(dir, Options(segment: 4096), TestToken));
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamageBeforeTheLastSegmentIsRefusedNotTruncated()
    {
        string dir = _temp.Sub("v");
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(segment: 4096), TestToken))
        {
            var generator = new BatchGenerator(89, PageSize, MaxPage);
            for (int i = 0; i < 60; i++)
                await volume.WaitForDurableAsync(volume.Append(generator.Next()).Commit, TestToken);
        }
        var segments = Directory.GetFiles(Path.Combine(dir, "log")).Order().ToList();
        Assert.True(segments.Count > 2);
        byte[] data = await File.ReadAllBytesAsync(segments[0], TestToken);
        data[^10] ^= 0x55;
        await File.WriteAllBytesAsync(segments[0], data, TestToken);

        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(dir, Options(segment: 4096), TestToken));
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.Equal(segments.Count, Directory.GetFiles(Path.Combine(dir, "log")).Length);
    }

    [Fact]
    public async Task ConcurrentCommitsShareFsyncs()
    {
        // A slow disk (2 ms per fsync) makes the sharing visible even where fsync is cheap.
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), Options(faults: point =>
        {
            if (point == LocalVolumeFaultPoint.LogFlush)
                Thread.Sleep(2);
        }), TestToken);
        var appendLock = new Lock();
        var page = 0;
        const int committers = 16, commitsEach = 40;
        var tasks = Enumerable.Range(0, committers).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < commitsEach; i++)
            {
                AppendResult result;
                lock (appendLock)
                {
                    // Each commit rewrites one byte of its own page: previous LSN is the last one that page got.
                    uint p = (uint)(c + 1);
                    var previous = FindVersion(volume, p);
                    result = volume.Append(new RedoBatch([new RedoRecord(new PageId(p), previous, Delta(i % PageSize, (byte)(i + 1)))], committers));
                    Interlocked.Increment(ref page);
                }
                await volume.WaitForDurableAsync(result.Commit, TestToken);
                Assert.True(volume.DurableLsn >= result.Commit);
            }
        }, TestToken)).ToList();
        await Task.WhenAll(tasks);

        const int commits = committers * commitsEach;
        Assert.Equal((ulong)commits, volume.DurableLsn.Value);
        Assert.True(volume.FlushCount * 3 < commits, $"{volume.FlushCount} fsyncs for {commits} commits");
    }

    [Fact]
    public async Task OneFlushCanCarryThousandsOfFrames()
    {
        using var gate = new SemaphoreSlim(0);
        bool entered = false;
        var options = Options(faults: p =>
        {
            if (p == LocalVolumeFaultPoint.LogWrite && !Volatile.Read(ref entered))
            {
                Volatile.Write(ref entered, true);
                gate.Wait(TestToken);
            }
        });
        string dir = _temp.Sub("v");
        var generator = new BatchGenerator(83, PageSize, MaxPage);
        var reference = new InMemoryVolume(PageSize);
        await using (var volume = await LocalVolume.OpenAsync(dir, options, TestToken))
        {
            var first = generator.Next();
            reference.Append(first);
            volume.Append(first);
            await Eventually.AssertAsync(() => Volatile.Read(ref entered));
            // The flusher is held in its first write; these all queue for the next one.
            AppendResult last = default;
            for (int i = 0; i < 3000; i++)
            {
                var batch = generator.Next();
                reference.Append(batch);
                last = volume.Append(batch);
            }
            gate.Release();
            await volume.WaitForDurableAsync(last.Commit, TestToken);
            Assert.Equal(2, volume.FlushCount);
        }
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
            VolumeAssert.SameAt(reference, volume, reference.AppendedLsn, MaxPage);
    }

    static Lsn FindVersion(LocalVolume volume, uint page)
    {
        byte[] buffer = new byte[PageSize];
        return volume.ReadPage(new PageId(page), volume.AppendedLsn, buffer);
    }

    static byte[] Delta(int offset, byte value)
    {
        byte[] delta = new byte[PageDelta.RunHeader + 1];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(delta, (ushort)offset);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(delta.AsSpan(2), 1);
        delta[4] = value;
        return delta;
    }

    [Fact]
    public async Task WaitingForAnAlreadyDurableLsnAllocatesNothing()
    {
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), Options(), TestToken);
        var (_, results) = await AppendAsync(volume, new BatchGenerator(29, PageSize, MaxPage), 5);
        var lsn = results[^1].Commit;
        await volume.WaitForDurableAsync(lsn, TestToken);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            var wait = volume.WaitForDurableAsync(lsn, TestToken);
            Assert.True(wait.IsCompletedSuccessfully);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task CommitsWaitForASlowCheckpointInsteadOfGrowingTheLog()
    {
        string dir = _temp.Sub("v");
        // A page-store fsync that takes 30 ms: the writer below could write the threshold many times over meanwhile.
        var options = Options(memory: 8192, segment: 4096, threshold: 16384,
            faults: point => { if (point == LocalVolumeFaultPoint.PageFlush) Thread.Sleep(30); });
        var generator = new BatchGenerator(37, PageSize, MaxPage);
        var reference = new InMemoryVolume(PageSize);
        long maxLog = 0;
        await using (var volume = await LocalVolume.OpenAsync(dir, options, TestToken))
        {
            for (int round = 0; round < 60; round++)
            {
                var (_, results) = await AppendAsync(volume, generator, 25, reference);
                volume.SetReadHorizon(results[^1].Commit);
                maxLog = Math.Max(maxLog, volume.LogBytes);
            }
            Assert.True(volume.CheckpointCount > 3, $"{volume.CheckpointCount} checkpoints");
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
        }
        // Four thresholds, plus at most one group-commit batch and one segment written past the limit.
        Assert.True(maxLog <= 5 * options.CheckpointThresholdBytes + options.SegmentBytes, $"log peaked at {maxLog} bytes");

        await using (var volume = await LocalVolume.OpenAsync(dir, Options(memory: 8192, segment: 4096, threshold: 16384), TestToken))
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
    }

    [Fact]
    public async Task CheckpointsDeleteOldLogAndKeepDiskBounded()
    {
        string dir = _temp.Sub("v");
        var options = Options(memory: 8192, segment: 4096, threshold: 16384);
        var generator = new BatchGenerator(31, PageSize, MaxPage);
        var reference = new InMemoryVolume(PageSize);
        long maxDisk = 0;
        await using (var volume = await LocalVolume.OpenAsync(dir, options, TestToken))
        {
            for (int round = 0; round < 40; round++)
            {
                var (_, results) = await AppendAsync(volume, generator, 25, reference);
                volume.SetReadHorizon(results[0].Commit);
                // Everything at or above the read horizon still reads correctly, during and after checkpoints.
                foreach (var result in results)
                    VolumeAssert.SameAt(reference, volume, result.Commit, MaxPage);
                maxDisk = Math.Max(maxDisk, DirectorySize(dir));
            }
            await Eventually.AssertAsync(() => volume.CheckpointCount > 3, because: "checkpoints run in the background");
            await Eventually.AssertAsync(() => volume.LogBytes < 3 * options.CheckpointThresholdBytes, because: "segments below the checkpoint are deleted");

            var checkpoint = volume.CheckpointLsn;
            Assert.True(checkpoint > Lsn.Zero);
            foreach (string file in Directory.GetFiles(Path.Combine(dir, "log")))
            {
                // Every remaining segment still holds something above the checkpoint, or is the newest one.
                Assert.True(new FileInfo(file).Length > 0);
            }
            Assert.True(Directory.GetFiles(Path.Combine(dir, "log")).Length <= 3 * options.CheckpointThresholdBytes / options.SegmentBytes + 2,
                $"{Directory.GetFiles(Path.Combine(dir, "log")).Length} segments left");
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
        }

        // The log written was many times the threshold; the disk held a small multiple of it plus the page store.
        long pageStore = 2L * (PageSize + 32) * MaxPage;
        Assert.True(maxDisk < pageStore + 6 * options.CheckpointThresholdBytes, $"disk peaked at {maxDisk} bytes");

        await using (var volume = await LocalVolume.OpenAsync(dir, options, TestToken))
        {
            Assert.Equal(reference.AppendedLsn, volume.AppendedLsn);
            Assert.True(volume.CheckpointLsn > Lsn.Zero);
            for (ulong lsn = volume.CheckpointLsn.Value; lsn <= volume.AppendedLsn.Value; lsn++)
                VolumeAssert.SameAt(reference, volume, new Lsn(lsn), MaxPage);
            await AppendAsync(volume, generator, 30, reference);
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
        }
    }

    [Fact]
    public async Task ConcurrentReadersSeeCorrectPagesWhileCheckpointsDeleteTheLog()
    {
        var options = Options(memory: 4096, segment: 4096, threshold: 8192);
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), options, TestToken);
        var reference = new InMemoryVolume(PageSize);
        var generator = new BatchGenerator(71, PageSize, MaxPage);
        // Readers pin a read point; the horizon never passes a pinned one (what the engine's read points do).
        var pins = new Lock();
        var pinned = new Lsn?[2];
        var latest = Lsn.Zero;
        var horizonSet = Lsn.Zero;
        var done = false;
        long reads = 0;

        var readers = Enumerable.Range(0, pinned.Length).Select(r => Task.Run(() =>
        {
            var random = new Random(100 + r);
            byte[] expected = new byte[PageSize];
            byte[] actual = new byte[PageSize];
            while (!Volatile.Read(ref done))
            {
                Lsn asOf;
                lock (pins)
                {
                    var low = horizonSet;
                    asOf = new Lsn(low.Value + (ulong)random.NextInt64(0, (long)(latest.Value - low.Value) + 1));
                    pinned[r] = asOf;
                }
                var page = new PageId((uint)random.Next(1, (int)MaxPage + 1));
                var version = volume.ReadPage(page, asOf, actual);
                Assert.Equal(reference.ReadPage(page, asOf, expected), version);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"page {page} at {asOf}");
                lock (pins)
                    pinned[r] = null;
                Interlocked.Increment(ref reads);
            }
        }, TestToken)).ToList();

        for (int i = 0; i < 800; i++)
        {
            var batch = generator.Next();
            reference.Append(batch);
            var result = volume.Append(batch);
            await volume.WaitForDurableAsync(result.Commit, TestToken);
            lock (pins)
            {
                latest = result.Commit;
                var horizon = new Lsn(result.Commit.Value - Math.Min(result.Commit.Value, 20));
                foreach (var pin in pinned)
                {
                    if (pin is { } p)
                        horizon = Lsn.Min(horizon, p);
                }
                volume.SetReadHorizon(horizon);
                horizonSet = Lsn.Max(horizonSet, horizon);
            }
        }
        Volatile.Write(ref done, true);
        await Task.WhenAll(readers);
        Assert.True(volume.CheckpointCount > 5, $"{volume.CheckpointCount} checkpoints");
        Assert.True(Interlocked.Read(ref reads) > 100, $"{reads} reads");
        output.WriteLine($"{volume.CheckpointCount} checkpoints, {reads} concurrent reads");
    }

    [Fact]
    public async Task CheckpointDoesNotPassTheReadHorizon()
    {
        var options = Options(segment: 4096, threshold: 8192);
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), options, TestToken);
        var (reference, results) = await AppendAsync(volume, new BatchGenerator(37, PageSize, MaxPage), 100);
        var horizon = results[40].Commit;
        volume.SetReadHorizon(horizon);
        Assert.Equal(horizon, await volume.CheckpointAsync(TestToken));
        for (ulong lsn = horizon.Value; lsn <= volume.AppendedLsn.Value; lsn++)
            VolumeAssert.SameAt(reference, volume, new Lsn(lsn), MaxPage);
    }

    [Theory]
    [InlineData(nameof(LocalVolumeFaultPoint.PageWrite))]
    [InlineData(nameof(LocalVolumeFaultPoint.PageFlush))]
    [InlineData(nameof(LocalVolumeFaultPoint.ManifestWrite))]
    [InlineData(nameof(LocalVolumeFaultPoint.SegmentDelete))]
    public async Task CrashDuringACheckpointLosesNothing(string pointName)
    {
        var point = Enum.Parse<LocalVolumeFaultPoint>(pointName);
        // Snapshots of the directory taken at every hit of the fault point while checkpoints run (the log is idle),
        // over several checkpoints so that both page-store slots are in use.
        string dir = _temp.Sub("v");
        var snapshots = new List<(string Path, Lsn Appended)>();
        LocalVolume? current = null;
        var options = Options(segment: 4096, threshold: 1L << 30, faults: p =>
        {
            if (p == point && current is not null && snapshots.Count < 60)
            {
                string copy = _temp.Sub($"snap{snapshots.Count}");
                TempDirectory.CopyVolume(dir, copy);
                snapshots.Add((copy, current.AppendedLsn));
            }
        });
        var generator = new BatchGenerator(41, PageSize, MaxPage);
        var reference = new InMemoryVolume(PageSize);
        for (int round = 0; round < 4; round++)
        {
            // Reopened each round, so that checkpoints also run where page-store slots are found lazily, and
            // after reads, so that cached images are in play.
            await using var volume = await LocalVolume.OpenAsync(dir, options, TestToken);
            current = volume;
            await AppendAsync(volume, generator, 40, reference);
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
            await AppendAsync(volume, generator, 40, reference);
            volume.SetReadHorizon(volume.DurableLsn);
            Assert.Equal(volume.DurableLsn, await volume.CheckpointAsync(TestToken));
            VolumeAssert.SameAt(reference, volume, volume.AppendedLsn, MaxPage);
            current = null;
        }

        Assert.NotEmpty(snapshots);
        foreach (var (path, appended) in snapshots)
        {
            await using var recovered = await LocalVolume.OpenAsync(path, Options(), TestToken);
            Assert.Equal(appended, recovered.AppendedLsn);
            for (ulong lsn = recovered.CheckpointLsn.Value; lsn <= appended.Value; lsn += 7)
                VolumeAssert.SameAt(reference, recovered, new Lsn(lsn), MaxPage);
            VolumeAssert.SameAt(reference, recovered, appended, MaxPage);
        }
    }

    [Theory]
    [InlineData(nameof(LocalVolumeFaultPoint.LogWrite))]
    [InlineData(nameof(LocalVolumeFaultPoint.LogFlush))]
    public async Task AFailedLogWriteFailsPendingAndLaterWaits(string pointName)
    {
        var point = Enum.Parse<LocalVolumeFaultPoint>(pointName);
        bool broken = false;
        var options = Options(faults: p =>
        {
            if (p == point && Volatile.Read(ref broken))
                throw new IOException("simulated disk failure");
        });
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), options, TestToken);
        var generator = new BatchGenerator(43, PageSize, MaxPage);
        var (_, good) = await AppendAsync(volume, generator, 5);
        var durable = volume.DurableLsn;

        Volatile.Write(ref broken, true);
        var doomed = volume.Append(generator.Next());
        var error = await Assert.ThrowsAsync<VolumeException>(async () => await volume.WaitForDurableAsync(doomed.Commit, TestToken));
        Assert.IsType<IOException>(error.InnerException);
        Volatile.Write(ref broken, false);

        Assert.Equal(durable, volume.DurableLsn);
        Assert.Throws<VolumeException>(() => volume.Append(generator.Next()));
        await Assert.ThrowsAsync<VolumeException>(async () => await volume.WaitForDurableAsync(doomed.Commit, TestToken));
        await Assert.ThrowsAsync<VolumeException>(async () => await volume.WaitForDurableAsync(doomed.Commit.Next, TestToken));
        Assert.Equal(durable, volume.DurableLsn);
        // What was durable before the failure stays so.
        await volume.WaitForDurableAsync(good[^1].Commit, TestToken);
    }

    [Fact]
    public async Task AFailedCheckpointFailsTheVolume()
    {
        bool broken = false;
        var options = Options(faults: p =>
        {
            if (p == LocalVolumeFaultPoint.PageFlush && Volatile.Read(ref broken))
                throw new IOException("simulated disk failure");
        });
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), options, TestToken);
        var generator = new BatchGenerator(47, PageSize, MaxPage);
        await AppendAsync(volume, generator, 5);
        volume.SetReadHorizon(volume.DurableLsn);
        Volatile.Write(ref broken, true);
        await Assert.ThrowsAsync<VolumeException>(() => volume.CheckpointAsync(TestToken));
        Assert.Throws<VolumeException>(() => volume.Append(generator.Next()));
    }

    [Fact]
    public async Task WaitersPendingWhenTheDiskFailsAreFailedToo()
    {
        using var gate = new SemaphoreSlim(0);
        bool armed = false;
        bool entered = false;
        var options = Options(faults: p =>
        {
            if (p == LocalVolumeFaultPoint.LogFlush && Volatile.Read(ref armed))
            {
                Volatile.Write(ref entered, true);
                gate.Wait(TestToken);
                throw new IOException("simulated fsync failure");
            }
        });
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), options, TestToken);
        var generator = new BatchGenerator(53, PageSize, MaxPage);
        Volatile.Write(ref armed, true);
        var first = volume.Append(generator.Next());
        var waitFirst = volume.WaitForDurableAsync(first.Commit, TestToken).AsTask();
        // The flusher is now stuck in the failing fsync; later batches queue behind it.
        await Eventually.AssertAsync(() => Volatile.Read(ref entered));
        Assert.False(waitFirst.IsCompleted);
        var second = volume.Append(generator.Next());
        var waitSecond = volume.WaitForDurableAsync(second.Commit, TestToken).AsTask();
        gate.Release();
#pragma warning disable VSTHRD003 // Tasks of this test's own waits.
        await Assert.ThrowsAsync<VolumeException>(() => waitFirst);
        await Assert.ThrowsAsync<VolumeException>(() => waitSecond);
#pragma warning restore VSTHRD003
        Assert.Equal(Lsn.Zero, volume.DurableLsn);
    }

    [Fact]
    public async Task ADifferentPageSizeIsRefused()
    {
        string dir = _temp.Sub("v");
        await using (await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
        }
        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(dir, new LocalVolumeOptions { PageSize = 4096 }, TestToken));
        Assert.Contains("1024-byte pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorruptManifestIsAClearError()
    {
        string dir = _temp.Sub("v");
        await using (var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken))
        {
            await AppendAsync(volume, new BatchGenerator(59, PageSize, MaxPage), 5);
            volume.SetReadHorizon(volume.DurableLsn);
            await volume.CheckpointAsync(TestToken);
        }
        string manifest = Path.Combine(dir, "checkpoint");
        byte[] data = await File.ReadAllBytesAsync(manifest, TestToken);
        data[20] ^= 0xFF;
        await File.WriteAllBytesAsync(manifest, data, TestToken);
        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(dir, Options(), TestToken));
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnusableDirectoryIsAClearError()
    {
        string file = _temp.Sub("file");
        await File.WriteAllTextAsync(file, "not a directory", TestToken);
        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(Path.Combine(file, "v"), Options(), TestToken));
        Assert.Contains("Cannot use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondOpenOfTheSameDirectoryIsRefused()
    {
        string dir = _temp.Sub("v");
        await using var volume = await LocalVolume.OpenAsync(dir, Options(), TestToken);
        var error = await Assert.ThrowsAsync<VolumeException>(() => LocalVolume.OpenAsync(dir, Options(), TestToken));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendsAfterDisposeAreRefused()
    {
        var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), Options(), TestToken);
        var generator = new BatchGenerator(61, PageSize, MaxPage);
        await volume.DisposeAsync();
        Assert.Throws<VolumeException>(() => volume.Append(generator.Next()));
        await Assert.ThrowsAsync<VolumeException>(async () => await volume.WaitForDurableAsync(new Lsn(1), TestToken));
        await Assert.ThrowsAsync<VolumeException>(() => volume.CheckpointAsync(TestToken));
        Assert.Throws<ObjectDisposedException>(() => volume.ReadPage(new PageId(1), Lsn.Zero, new byte[PageSize]));
    }

    [Fact]
    public async Task ARecordForTheWrongVersionIsRejectedAndNothingIsQueued()
    {
        await using var volume = await LocalVolume.OpenAsync(_temp.Sub("v"), Options(), TestToken);
        var generator = new BatchGenerator(67, PageSize, MaxPage);
        await AppendAsync(volume, generator, 3);
        var appended = volume.AppendedLsn;
        var bad = new RedoBatch([new RedoRecord(new PageId(1), new Lsn(999), Delta(0, 1))], 1);
        Assert.Throws<InvalidOperationException>(() => volume.Append(bad));
        Assert.Equal(appended, volume.AppendedLsn);
    }

    static long DirectorySize(string dir)
    {
        long total = 0;
        foreach (string file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
            }
        }
        return total;
    }
}
