using Borealis.Common;
using Borealis.Volume.Local;

namespace Borealis.Volume;

public sealed partial class LocalVolume
{
    /// <summary>
    /// Writes a checkpoint now (if the read horizon and durable LSN allow progress) and deletes the log segments
    /// below it.
    /// </summary>
    /// <returns>The checkpoint LSN after the call.</returns>
    public async Task<Lsn> CheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpointMutex.WaitAsync(cancellationToken);
        try
        {
            lock (_lock)
                ThrowIfUnavailable();
            return await Task.Run(() => RunCheckpointOrFail(cancellationToken), cancellationToken);
        }
        finally
        {
            _checkpointMutex.Release();
        }
    }

    void CheckpointLoop()
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                _checkpointSignal.Wait(stopping);
                lock (_lock)
                    _checkpointSignalled = false;
                _checkpointMutex.Wait(stopping);
                try
                {
                    RunCheckpointOrFail(stopping);
                }
                finally
                {
                    _checkpointMutex.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Closing: a checkpoint cut short leaves the previous one in force.
        }
        catch (VolumeException)
        {
            // The volume has failed (RunCheckpointOrFail recorded why); waiters and appends report it.
        }
    }

    /// <summary>Runs a checkpoint; an I/O failure in it fails the volume (its files are then in an unknown state).</summary>
    Lsn RunCheckpointOrFail(CancellationToken cancellationToken)
    {
        try
        {
            return RunCheckpoint(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lock (_lock)
            {
                if (_closing && _failure is null)
                    throw;
            }
            Fail(ex);
            throw FailedException();
        }
    }

    /// <summary>Requests a background checkpoint when the log is over its threshold and one can make progress. Under <c>_lock</c>.</summary>
    void MaybeRequestCheckpoint()
    {
        if (_closing || _failure is not null || _checkpointSignalled)
            return;
        long threshold = _options.CheckpointThresholdBytes;
        if (_logBytes <= threshold || _logBytesWritten - _logBytesWrittenAtCheckpoint < threshold / 4)
            return;
        if (CheckpointCandidate() <= _checkpointLsn)
            return;
        _checkpointSignalled = true;
        _checkpointSignal.Release();
    }

    /// <summary>The newest commit LSN at or below both the durable LSN and the read horizon. Under <c>_lock</c>.</summary>
    Lsn CheckpointCandidate()
    {
        var limit = Lsn.Min(new Lsn(_durable), _horizon);
        int i = LastSizeAtOrBelow(limit);
        return i < 0 ? _checkpointLsn : _sizes[i].Lsn;
    }

    /// <summary>
    /// One checkpoint at C: every page with versions at or below C gets its image at C written into the slot the
    /// current manifest does not rely on; the page store is fsynced; the manifest is replaced atomically; then, under
    /// the I/O gate, the index forgets versions at or below C and segments wholly at or below C are deleted.
    /// A crash before the manifest is replaced leaves the old checkpoint and the log since it intact.
    /// </summary>
    Lsn RunCheckpoint(CancellationToken cancellationToken)
    {
        Lsn checkpoint;
        uint pageCount;
        ulong replayFrom;
        long writtenMark;
        List<PageId> dirty = [];
        lock (_lock)
        {
            ThrowIfUnavailable();
            checkpoint = CheckpointCandidate();
            if (checkpoint <= _checkpointLsn)
                return _checkpointLsn;
            pageCount = PageCountAt(checkpoint);
            replayFrom = _segments[^1].Number;
            foreach (var segment in _segments)
            {
                if (segment.LastCommit > checkpoint)
                {
                    replayFrom = segment.Number;
                    break;
                }
            }
            foreach (var (page, state) in _pages)
            {
                if (state.Versions.Count > 0 && state.Versions[0].Lsn <= checkpoint)
                    dirty.Add(page);
            }
            writtenMark = _logBytesWritten;
        }

        dirty.Sort(); // page-store order: mostly sequential writes
        var written = new List<(PageId Page, int Slot, Lsn Lsn)>(dirty.Count);
        byte[] image = new byte[PageSize];
        foreach (var page in dirty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lsn = Materialize(page, checkpoint, image, needBaseSlot: true, out int baseSlot);
            int target = baseSlot == 0 ? 1 : 0;
            _pageStore!.Write(page, target, lsn, image);
            written.Add((page, target, lsn));
        }
        _pageStore!.Flush();
        cancellationToken.ThrowIfCancellationRequested();
        _faults?.Invoke(LocalVolumeFaultPoint.ManifestWrite);
        new Manifest(checkpoint, pageCount, replayFrom).Write(_directory, VolumeId);

        _faults?.Invoke(LocalVolumeFaultPoint.SegmentDelete);

        // Switch over: no reader may be using a segment about to be deleted, or a slot the next checkpoint may overwrite.
        List<LogSegment> obsolete = [];
        _ioGate.EnterWriteLock();
        try
        {
            lock (_lock)
            {
                foreach (var (page, slot, lsn) in written)
                {
                    var state = _pages[page];
                    state.Versions.RemoveRange(0, CountAtOrBelow(state.Versions, checkpoint));
                    state.BaseSlot = slot;
                    state.BaseLsn = lsn;
                    // Memory must follow the pages in use, not the pages ever written: a cold page's state is
                    // dropped (its base is found again by reading both slots), and a list keeps no spare capacity.
                    if (state.Versions.Count == 0 && state.Image is null)
                        _pages.Remove(page);
                    else if (state.Versions.Capacity > 2 * state.Versions.Count + 8)
                        state.Versions.Capacity = state.Versions.Count;
                }
                _checkpointLsn = checkpoint;
                _sizes.RemoveRange(0, LastSizeAtOrBelow(checkpoint));
                while (_inMemory.TryPeek(out var frame) && frame.Commit <= checkpoint)
                {
                    _inMemory.Dequeue();
                    _inMemoryBytes -= frame.Bytes!.Length;
                    frame.Bytes = null;
                }
                for (int i = 0; i < _segments.Count - 1 && _segments[i].LastCommit <= checkpoint;)
                {
                    obsolete.Add(_segments[i]);
                    _logBytes -= _segments[i].Length;
                    _segments.RemoveAt(i);
                }
                _logBytesWrittenAtCheckpoint = writtenMark;
                _checkpointCount++;
            }
        }
        finally
        {
            _ioGate.ExitWriteLock();
        }
        _checkpointProgress.Set();
        // Readers that could still use these segments finished before the switch-over; later ones cannot reach them.
        foreach (var segment in obsolete)
        {
            segment.Dispose();
            File.Delete(segment.Path);
        }
        Log.Checkpointed(_logger, checkpoint.Value, written.Count, obsolete.Count);
        return checkpoint;
    }
}
