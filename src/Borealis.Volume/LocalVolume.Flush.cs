using Borealis.Common;
using Borealis.Common.IO;
using Borealis.Volume.Local;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Volume;

public sealed partial class LocalVolume
{
    readonly List<ReadOnlyMemory<byte>> _writeBuffers = [];
    List<LogFrame> _spare = [];
    bool _reserveUnsupported;

    /// <summary>
    /// Group commit: takes every queued frame, writes them with one gathered write and one fdatasync (into space reserved
    /// ahead, see <see cref="ReserveAhead"/>), then advances
    /// <see cref="DurableLsn"/> and wakes the waiters. A failed write or fsync fails the volume for good: the
    /// state of unsynced data is unknown, so nothing after the last good fsync is ever reported durable.
    /// </summary>
    void FlushLoop()
    {
        while (true)
        {
            _flushSignal.Wait();
            List<LogFrame> batch;
            bool closing;
            lock (_lock)
            {
                _flushSignalled = false;
                closing = _closing;
                batch = _pending;
                _pending = _spare;
            }
            if (batch.Count > 0)
            {
                try
                {
                    WaitForLogRoom();
                    WriteAndSync(batch);
                }
#pragma warning disable CA1031 // Background loop boundary: any failure of the log fails the volume.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Fail(ex);
                    return;
                }
            }
            batch.Clear();
            _spare = batch;
            if (closing)
                return;
        }
    }

    /// <summary>
    /// Backpressure: while the log on disk is over <see cref="LogHardLimitFactor"/> times the checkpoint threshold
    /// and a checkpoint could shrink it, the flusher waits for the checkpointer, so commits slow down to the speed
    /// at which pages are written back instead of the log growing without bound. A checkpoint held back by the read
    /// horizon cannot help, so the log is then allowed to grow.
    /// </summary>
    void WaitForLogRoom()
    {
        while (true)
        {
            lock (_lock)
            {
                if (_closing || _failure is not null)
                    return;
                if (_logBytes <= LogHardLimitFactor * _options.CheckpointThresholdBytes || CheckpointCandidate() <= _checkpointLsn)
                    return;
                _checkpointProgress.Reset();
                if (!_checkpointSignalled)
                {
                    _checkpointSignalled = true;
                    _checkpointSignal.Release();
                }
            }
            // A bounded wait: the conditions are checked again even if a checkpoint ends without progress.
            _checkpointProgress.Wait(s_checkpointProgressPoll);
        }
    }

    void WriteAndSync(List<LogFrame> batch)
    {
        long total = 0;
        _writeBuffers.Clear();
        foreach (var frame in batch)
        {
            byte[] bytes = frame.Bytes!;
            LogFormat.Seal(bytes);
            _writeBuffers.Add(bytes);
            total += bytes.Length;
        }

        var segment = _active!;
        if (segment.Length > LogFormat.SegmentHeaderSize && segment.Length + total > _options.SegmentBytes)
            segment = RollSegment(batch[0].First);

        long start = segment.Length;
        if (start + total > segment.Reserved)
            ReserveAhead(segment, start + total);
        _faults?.Invoke(LocalVolumeFaultPoint.LogWrite);
        RandomAccess.Write(segment.Handle, _writeBuffers, start);
        _writeBuffers.Clear();
        _faults?.Invoke(LocalVolumeFaultPoint.LogFlush);
        NativeFile.SyncData(segment.Handle);

        lock (_lock)
        {
            long offset = start;
            foreach (var frame in batch)
            {
                frame.Segment = segment;
                frame.Offset = offset;
                offset += frame.Bytes!.Length;
            }
            segment.Length = offset;
            segment.LastCommit = batch[^1].Commit;
            _logBytes += total;
            _logBytesWritten += total;
            Volatile.Write(ref _durable, batch[^1].Commit.Value);
            _flushCount++;
            EvictMemory();
            SignalDurableChanged();
            MaybeRequestCheckpoint();
        }
    }

    /// <summary>
    /// Reserves space in <paramref name="segment"/> for a write that ends at <paramref name="end"/> and for the writes
    /// after it (as much again as the segment holds, 64 KiB to 4 MiB, within the segment size), so that a commit's sync
    /// flushes data only. A full disk reserves nothing: the write then extends the file, or fails like any write.
    /// Recovery reads the zeros above the last frame as reserved space, not as a torn tail.
    /// </summary>
    void ReserveAhead(LogSegment segment, long end)
    {
        long target = Math.Min(NativeFile.ReserveAheadTarget(end), Math.Max(_options.SegmentBytes, end));
        if (NativeFile.Reserve(segment.Handle, target, ref _reserveUnsupported))
            segment.Reserved = target;
    }

    /// <summary>Starts a new segment for frames from <paramref name="firstLsn"/>; the current one is sealed (and already synced).</summary>
    LogSegment RollSegment(Lsn firstLsn)
    {
        var sealedSegment = _active!;
        if (sealedSegment.Reserved > sealedSegment.Length)
        {
            // Give back the unused reservation. Not synced: after a crash recovery reads the zeros as unused space.
            RandomAccess.SetLength(sealedSegment.Handle, sealedSegment.Length);
            sealedSegment.Reserved = sealedSegment.Length;
        }
        var segment = CreateSegment(_active!.Number + 1, firstLsn);
        lock (_lock)
        {
            _segments.Add(segment);
            _logBytes += segment.Length;
            _logBytesWritten += segment.Length;
        }
        _active = segment;
        return segment;
    }

    /// <summary>Creates a segment file with its header, durable (file and directory entry) before any frame goes in.</summary>
    LogSegment CreateSegment(ulong number, Lsn firstLsn)
    {
        _faults?.Invoke(LocalVolumeFaultPoint.SegmentCreate);
        string path = Path.Combine(_logDirectory, LogSegment.FileName(number));
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            Span<byte> header = stackalloc byte[LogFormat.SegmentHeaderSize];
            LogFormat.WriteSegmentHeader(header, number, firstLsn, VolumeId);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            DurableFile.FlushDirectory(_logDirectory);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new LogSegment(number, path, handle, firstLsn, LogFormat.SegmentHeaderSize);
    }

    /// <summary>Drops the bytes of the oldest written frames beyond the memory bound; their deltas are then read from the log.</summary>
    void EvictMemory()
    {
        while (_inMemoryBytes > _options.MaxMemoryRedoBytes && _inMemory.TryPeek(out var frame) && frame.Segment is not null)
        {
            _inMemory.Dequeue();
            _inMemoryBytes -= frame.Bytes!.Length;
            frame.Bytes = null;
        }
    }

    void Fail(Exception cause)
    {
        lock (_lock)
        {
            if (_failure is not null)
                return;
            _failure = cause;
            SignalDurableChanged();
        }
        Log.Failed(_logger, _directory, cause);
    }
}
