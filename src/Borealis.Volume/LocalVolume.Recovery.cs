using Borealis.Common;
using Borealis.Volume.Local;

namespace Borealis.Volume;

public sealed partial class LocalVolume
{
    /// <summary>
    /// Opens or creates the volume's files and rebuilds the page index from the log since the last checkpoint.
    /// The scan stops at the first frame that is incomplete, fails its checksum or breaks the LSN sequence: that
    /// is the torn tail of the last flush, and the file is cut there (later segments are deleted). Only zeros after
    /// the last frame are space reserved ahead, not a tail: the file is cut there too, and later segments count.
    /// </summary>
    void Recover(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!System.IO.Directory.Exists(_directory))
        {
            if (!_options.CreateIfMissing)
                throw new VolumeException($"The volume directory '{_directory}' does not exist.");
            System.IO.Directory.CreateDirectory(_directory);
        }
        try
        {
            _lockFile = File.OpenHandle(Path.Combine(_directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new VolumeException($"The volume in '{_directory}' is in use by another process.", innerException: ex);
        }

        var metadata = VolumeMetadata.Read(_directory);
        if (metadata is null)
        {
            if (File.Exists(Path.Combine(_directory, Manifest.FileName)) || File.Exists(Path.Combine(_directory, PageStore.FileName))
                || System.IO.Directory.Exists(_logDirectory))
            {
                throw new VolumeException($"The directory '{_directory}' holds volume files but no volume metadata ('{VolumeMetadata.FileName}'); it cannot be opened.");
            }
            if (!_options.CreateIfMissing)
                throw new VolumeException($"The directory '{_directory}' holds no volume.");
            metadata = new VolumeMetadata(_options.PageSize, Guid.NewGuid(), new VolumeEpoch(1));
            metadata.Value.Write(_directory);
        }
        var meta = metadata.Value;
        if (meta.PageSize != PageSize)
            throw new VolumeException($"The volume in '{_directory}' has {meta.PageSize}-byte pages, not {PageSize}.");
        VolumeId = meta.VolumeId;
        Epoch = meta.Epoch;

        if (!System.IO.Directory.Exists(_logDirectory))
        {
            System.IO.Directory.CreateDirectory(_logDirectory);
            DurableFile.FlushDirectory(_directory);
        }
        // Leftovers of a manifest or metadata replacement cut short (only ours: the directory may hold other files).
        File.Delete(Path.Combine(_directory, Manifest.FileName + ".tmp"));
        File.Delete(Path.Combine(_directory, VolumeMetadata.FileName + ".tmp"));

        var manifest = Manifest.Read(_directory, VolumeId) ?? new Manifest(Lsn.Zero, 0, 1);
        _checkpointLsn = manifest.CheckpointLsn;
        _horizon = manifest.CheckpointLsn;
        _sizes.Add((manifest.CheckpointLsn, manifest.PageCount));

        string pagesPath = Path.Combine(_directory, PageStore.FileName);
        bool pagesExisted = File.Exists(pagesPath);
        _pageStore = new PageStore(File.OpenHandle(pagesPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), PageSize, _faults);
        if (!pagesExisted)
            DurableFile.FlushDirectory(_directory);

        int frames = ScanLog(manifest, cancellationToken);
        EvictMemory();
        Log.Opened(_logger, _directory, _checkpointLsn.Value, _appended.Value, frames, clock.ElapsedMilliseconds);
    }

    /// <returns>The number of frames replayed into the index.</returns>
    int ScanLog(Manifest manifest, CancellationToken cancellationToken)
    {
        int frames = 0;
        var numbers = new List<ulong>();
        foreach (string path in System.IO.Directory.EnumerateFiles(_logDirectory))
        {
            if (LogSegment.TryParseFileName(Path.GetFileName(path), out ulong number))
                numbers.Add(number);
        }
        numbers.Sort();

        bool deleted = false;
        ulong highest = manifest.ReplayFromSegment - 1;
        var expected = manifest.CheckpointLsn.Next;
        bool stopped = false;
        foreach (ulong number in numbers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            highest = Math.Max(highest, number);
            string path = Path.Combine(_logDirectory, LogSegment.FileName(number));
            if (stopped && new FileInfo(path).Length > LogFormat.SegmentHeaderSize)
            {
                // A later segment is only started once every earlier frame is synced: frames after a damaged one
                // mean damage to acknowledged data, not a torn tail. Refuse rather than drop them.
                throw new VolumeException($"The log of volume '{_directory}' is damaged before its end (segment {LogSegment.FileName(number - 1)} or earlier, "
                    + $"with later segments holding data); refusing to open rather than dropping committed data.");
            }
            if (number < manifest.ReplayFromSegment || stopped)
            {
                // Below the checkpoint (a deletion cut short by a crash), or an empty segment beyond a torn tail.
                File.Delete(path);
                deleted = true;
                continue;
            }
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            long length = RandomAccess.GetLength(handle);
            byte[] data = new byte[length];
            int read = 0;
            while (read < data.Length)
            {
                int n = RandomAccess.Read(handle, data.AsSpan(read), read);
                if (n == 0)
                    break;
                read += n;
            }
            if (!LogFormat.TryReadSegmentHeader(data, number, VolumeId, out var firstLsn))
            {
                // A segment whose creation was cut short: it holds nothing, and nothing after it counts.
                handle.Dispose();
                File.Delete(path);
                deleted = true;
                stopped = true;
                continue;
            }
            if (firstLsn > expected)
            {
                handle.Dispose();
                throw new VolumeException($"The log of volume '{_directory}' has a gap: segment {number} starts at LSN {firstLsn}, but LSN {expected} is missing.");
            }

            var segment = new LogSegment(number, path, handle, firstLsn, length);
            _segments.Add(segment);
            int at = LogFormat.SegmentHeaderSize;
            while (true)
            {
                int size = LogFormat.TryReadFrame(data.AsSpan(at), out var header);
                if (size == 0)
                    break;
                if (header.Commit < expected)
                {
                    segment.LastCommit = header.Commit;
                    at += size; // at or below the checkpoint: already in the page store
                    continue;
                }
                if (header.First != expected)
                    break;
                AddRecoveredFrame(data.AsSpan(at, size), header, segment, at, manifest.CheckpointLsn);
                frames++;
                expected = header.Commit.Next;
                segment.LastCommit = header.Commit;
                at += size;
            }
            if (at < length && !data.AsSpan(at).ContainsAnyExcept((byte)0))
            {
                // Space reserved ahead of the frames and never written (or written and not synced: not acknowledged).
                // Not a torn tail: later segments stay. The segment is sealed now, so the space is given back.
                RandomAccess.SetLength(handle, at);
            }
            else if (at < length)
            {
                // The torn tail: cut it off, durably, and drop every later segment.
                Log.TornTail(_logger, path, at, length - at);
                RandomAccess.SetLength(handle, at);
                RandomAccess.FlushToDisk(handle);
                stopped = true;
            }
            segment.Length = at;
        }

        // Frames found may have been written but not yet synced when the last process died: sync them now.
        if (_segments.Count > 0)
            RandomAccess.FlushToDisk(_segments[^1].Handle);
        if (deleted)
            DurableFile.FlushDirectory(_logDirectory);

        var recovered = new Lsn(expected.Value - 1);
        _appended = recovered;
        _durable = recovered.Value;
        _active = CreateSegment(highest + 1, expected);
        _segments.Add(_active);
        foreach (var segment in _segments)
            _logBytes += segment.Length;
        // A long recovered log may be checkpointed as soon as the read horizon allows.
        _logBytesWritten = _logBytes;
        return frames;
    }

    void AddRecoveredFrame(ReadOnlySpan<byte> bytes, FrameHeader header, LogSegment segment, long offset, Lsn checkpoint)
    {
        var frame = new LogFrame(bytes.ToArray(), header.First, header.Commit) { Segment = segment, Offset = offset };
        int at = LogFormat.FrameHeaderSize;
        var lsn = header.First;
        for (int i = 0; i < header.RecordCount; i++)
        {
            var (page, _, deltaOffset, deltaLength) = LogFormat.ReadRecord(bytes, at);
            if (lsn > checkpoint)
                GetOrAddPage(page).Versions.Add(new PageVersion(lsn, frame, deltaOffset, deltaLength));
            at = deltaOffset + deltaLength;
            lsn = lsn.Next;
        }
        _sizes.Add((header.Commit, header.PageCount));
        _inMemory.Enqueue(frame);
        _inMemoryBytes += bytes.Length;
    }
}
