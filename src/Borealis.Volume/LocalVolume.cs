using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume.Local;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Volume;

/// <summary>
/// A durable volume in one local directory: an append-only, checksummed redo log in segment files with group
/// commit, an in-memory index of page versions since the last checkpoint, and a page store that checkpoints
/// write so that the log can be truncated. See <c>docs/volume-local.md</c> for the file formats.
/// </summary>
/// <remarks>
/// Threads: the engine's writer calls <see cref="Append"/>; one background flusher writes queued frames and does
/// one fsync per group of frames; one background checkpointer writes page images and deletes old log segments.
/// All shared state is guarded by <c>_lock</c>, which is never held across I/O. Readers of log segments and page
/// slots hold <c>_ioGate</c> for reading; a checkpoint's switch-over (which deletes segments and makes old
/// page slots reusable) holds it for writing.
/// </remarks>
public sealed partial class LocalVolume : IVolume
{
    const string LogDirectoryName = "log";
    const string LockFileName = "LOCK";

    readonly string _directory;
    readonly string _logDirectory;
    readonly LocalVolumeOptions _options;
    readonly Action<LocalVolumeFaultPoint>? _faults;
    readonly ILogger _logger;
    readonly Lock _lock = new();
    readonly ReaderWriterLockSlim _ioGate = new(LockRecursionPolicy.NoRecursion);

    // Page index since the last checkpoint, and the size history (first entry: the checkpoint's).
    readonly Dictionary<PageId, PageState> _pages = [];
    readonly List<(Lsn Lsn, uint PageCount)> _sizes = [];
    readonly Dictionary<PageId, Lsn> _batchPages = [];
    readonly Queue<PageState> _cachedImages = new();

    // The log: segments oldest first (the last one is written), frames whose bytes are in memory oldest first.
    readonly List<LogSegment> _segments = [];
    readonly Queue<LogFrame> _inMemory = new();
    long _inMemoryBytes;
    long _logBytes;
    long _logBytesWritten;
    long _logBytesWrittenAtCheckpoint;

    // Group commit.
    List<LogFrame> _pending = [];
    bool _flushSignalled;
    readonly SemaphoreSlim _flushSignal = new(0);
    TaskCompletionSource _durableChanged = NewSignal();
    Lsn _appended;
    ulong _durable;
    Exception? _failure;
    bool _closing;
    bool _closed;
    long _flushCount;

    // Checkpoints.
    readonly SemaphoreSlim _checkpointSignal = new(0);
    readonly SemaphoreSlim _checkpointMutex = new(1, 1);
    readonly CancellationTokenSource _stopping = new();
    bool _checkpointSignalled;
    readonly ManualResetEventSlim _checkpointProgress = new(false);
    const int LogHardLimitFactor = 4;
    static readonly TimeSpan s_checkpointProgressPoll = TimeSpan.FromMilliseconds(50);
    Lsn _horizon;
    Lsn _checkpointLsn;
    long _checkpointCount;

    // Set once by recovery.
    SafeFileHandle? _lockFile;
    PageStore? _pageStore;
    LogSegment? _active;
    // The flusher and checkpointer block in I/O, so each has its own thread rather than a pool thread.
    readonly TaskCompletionSource _flusherDone = NewSignal();
    readonly TaskCompletionSource _checkpointerDone = NewSignal();

    LocalVolume(string directory, LocalVolumeOptions options)
    {
        _directory = directory;
        _logDirectory = Path.Combine(directory, LogDirectoryName);
        _options = options;
        _faults = options.FaultInjector;
        _logger = options.Logger ?? NullLogger.Instance;
        PageSize = options.PageSize;
    }

    /// <summary>
    /// Opens the volume in <paramref name="directory"/>, creating it when the directory holds none (and
    /// <see cref="LocalVolumeOptions.CreateIfMissing"/>), and recovers it: the log since the last checkpoint is
    /// scanned up to its last complete, checksummed frame, and a torn tail is cut off.
    /// </summary>
    /// <exception cref="VolumeException">The directory is unusable, locked by another process, holds a volume of
    /// another page size, or its metadata is corrupt.</exception>
    public static async Task<LocalVolume> OpenAsync(string directory, LocalVolumeOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var volume = new LocalVolume(Path.GetFullPath(directory), options);
        try
        {
            await Task.Run(() => volume.Recover(cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException and not VolumeException)
        {
            volume.ReleaseFiles();
            throw new VolumeException($"Cannot use '{volume._directory}' as a volume directory: {ex.Message}", innerException: ex);
        }
        catch
        {
            volume.ReleaseFiles();
            throw;
        }
        volume.Start();
        return volume;
    }

    public int PageSize { get; }

    public VolumeEpoch Epoch { get; private set; }

    /// <summary>The volume's identity, fixed at creation.</summary>
    public Guid VolumeId { get; private set; }

    /// <summary>The directory the volume lives in.</summary>
    public string Directory => _directory;

    public Lsn DurableLsn => new(Volatile.Read(ref _durable));

    public Lsn AppendedLsn { get { lock (_lock) return _appended; } }

    /// <summary>The LSN of the last checkpoint: page images at it are in the page store and the log below it may be gone.</summary>
    public Lsn CheckpointLsn { get { lock (_lock) return _checkpointLsn; } }

    /// <summary>Log fsyncs done so far; with group commit, far fewer than commits.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Checkpoints completed since open.</summary>
    public long CheckpointCount => Interlocked.Read(ref _checkpointCount);

    /// <summary>Bytes of log segments on disk.</summary>
    public long LogBytes { get { lock (_lock) return _logBytes; } }

    public AppendResult Append(RedoBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var records = batch.Records;
        if (records.Count == 0)
            throw new ArgumentException("A batch has at least one record.", nameof(batch));
        foreach (var record in records)
        {
            if (record.Page.Value == 0)
                throw new ArgumentException("Pages are numbered from 1.", nameof(batch));
            if (!PageDelta.IsWellFormed(record.Delta.Span, PageSize))
                throw new ArgumentException($"The delta for page {record.Page} is malformed or runs past the page end.", nameof(batch));
        }

        // Appends come from one thread at a time, so the frame is encoded outside the lock with the LSNs it will get.
        Lsn first;
        lock (_lock)
        {
            ThrowIfUnavailable();
            first = _appended.Next;
        }
        var commit = new Lsn(first.Value + (ulong)records.Count - 1);
        byte[] bytes = GC.AllocateUninitializedArray<byte>(LogFormat.FrameSize(batch));
        int[] offsets = ArrayPool<int>.Shared.Rent(records.Count);
        try
        {
            LogFormat.Encode(batch, first, commit, bytes, offsets);
            var frame = new LogFrame(bytes, first, commit);
            lock (_lock)
            {
                ThrowIfUnavailable();
                if (_appended.Next != first)
                    throw new InvalidOperationException("Append was called concurrently; appends must come from one thread at a time.");
                CheckChains(records, first);
                var lsn = first;
                for (int i = 0; i < records.Count; i++)
                {
                    GetOrAddPage(records[i].Page).Versions.Add(new PageVersion(lsn, frame, offsets[i], records[i].Delta.Length));
                    lsn = lsn.Next;
                }
                _sizes.Add((commit, batch.PageCount));
                _inMemory.Enqueue(frame);
                _inMemoryBytes += bytes.Length;
                _pending.Add(frame);
                _appended = commit;
                if (!_flushSignalled)
                {
                    _flushSignalled = true;
                    _flushSignal.Release();
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
        }
        return new AppendResult(first, commit);
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken)
    {
        if (lsn.Value <= Volatile.Read(ref _durable))
            return ValueTask.CompletedTask;
        return WaitForDurableSlowAsync(lsn, cancellationToken);
    }

    async ValueTask WaitForDurableSlowAsync(Lsn lsn, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (lsn.Value <= _durable)
                    return;
                if (_failure is not null)
                    throw FailedException();
                if (_closed)
                    throw new VolumeException($"The volume '{_directory}' was closed before LSN {lsn} became durable.");
                changed = _durableChanged.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        if (destination.Length < PageSize)
            throw new ArgumentException($"The destination holds fewer than {PageSize} bytes.", nameof(destination));
        _ioGate.EnterReadLock();
        try
        {
            return Materialize(page, asOf, destination[..PageSize], needBaseSlot: false, out _);
        }
        finally
        {
            _ioGate.ExitReadLock();
        }
    }

    public uint GetPageCount(Lsn asOf)
    {
        lock (_lock)
            return PageCountAt(asOf);
    }

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        lock (_lock)
        {
            if (oldestReadPoint > _horizon)
            {
                _horizon = oldestReadPoint;
                MaybeRequestCheckpoint();
            }
        }
    }

    /// <summary>Flushes what was appended, stops the background work and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_closing)
                return;
            _closing = true;
            if (!_flushSignalled)
            {
                _flushSignalled = true;
                _flushSignal.Release();
            }
        }
#pragma warning disable VSTHRD003 // Completed by this volume's own threads when their loops end.
        await _flusherDone.Task;
        await _stopping.CancelAsync();
        await _checkpointerDone.Task;
#pragma warning restore VSTHRD003
        // Wait for an explicit checkpoint in progress; later ones see the volume closing and throw.
        await _checkpointMutex.WaitAsync(CancellationToken.None);
        _checkpointMutex.Release();
        _ioGate.EnterWriteLock();
        try
        {
            lock (_lock)
            {
                _closed = true;
                SignalDurableChanged();
            }
            TrimReservation();
            ReleaseFiles();
        }
        finally
        {
            _ioGate.ExitWriteLock();
        }
        _stopping.Dispose();
        _checkpointProgress.Dispose();
    }

    /// <summary>A clean close gives back the active segment's unused reservation (a crash leaves it: recovery cuts it).</summary>
    void TrimReservation()
    {
        if (_active is not { } segment || segment.Reserved <= segment.Length || _failure is not null)
            return;
        try
        {
            RandomAccess.SetLength(segment.Handle, segment.Length);
        }
        catch (IOException ex)
        {
            Log.TrimFailed(_logger, segment.Path, ex);
        }
    }

    void ReleaseFiles()
    {
        foreach (var segment in _segments)
            segment.Dispose();
        _pageStore?.Dispose();
        _lockFile?.Dispose();
    }

    void Start()
    {
        StartThread(FlushLoop, _flusherDone, "borealis-volume-flush");
        StartThread(CheckpointLoop, _checkpointerDone, "borealis-volume-checkpoint");
        lock (_lock)
            MaybeRequestCheckpoint();
    }

    static void StartThread(Action loop, TaskCompletionSource done, string name)
    {
        var thread = new Thread(() =>
        {
            try
            {
                loop();
            }
            finally
            {
                done.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
    }

    void ThrowIfUnavailable()
    {
        if (_failure is not null)
            throw FailedException();
        if (_closing)
            throw new VolumeException($"The volume '{_directory}' is closed.");
    }

    VolumeException FailedException()
        => new($"The volume '{_directory}' has failed and accepts no more writes: {_failure!.Message}", innerException: _failure);

    /// <summary>Checks each record's previous LSN against the page's current version, where that is known without I/O.</summary>
    void CheckChains(IReadOnlyList<RedoRecord> records, Lsn first)
    {
        _batchPages.Clear();
        var lsn = first;
        foreach (var record in records)
        {
            Lsn? current = _batchPages.TryGetValue(record.Page, out var inBatch) ? inBatch : CurrentVersion(record.Page);
            if (current is { } known && known != record.PreviousLsn)
                throw new InvalidOperationException($"Redo for page {record.Page} applies to version {record.PreviousLsn}, but the volume holds {known}.");
            _batchPages[record.Page] = lsn;
            lsn = lsn.Next;
        }
    }

    Lsn? CurrentVersion(PageId page)
    {
        if (_pages.TryGetValue(page, out var state))
        {
            if (state.Versions.Count > 0)
                return state.Versions[^1].Lsn;
            if (state.BaseSlot != PageState.UnknownSlot)
                return state.BaseLsn;
        }
        // Before the first checkpoint every page's base is all zeros; after it, the base is on disk.
        return _checkpointLsn == Lsn.Zero ? Lsn.Zero : null;
    }

    PageState GetOrAddPage(PageId page)
    {
        if (!_pages.TryGetValue(page, out var state))
            _pages[page] = state = new PageState();
        return state;
    }

    uint PageCountAt(Lsn asOf)
    {
        int i = LastSizeAtOrBelow(asOf);
        return _sizes[Math.Max(i, 0)].PageCount;
    }

    /// <summary>The index of the last size entry (a commit) at or below <paramref name="lsn"/>, or -1.</summary>
    int LastSizeAtOrBelow(Lsn lsn)
    {
        int lo = 0, hi = _sizes.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sizes[mid].Lsn <= lsn)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    void SignalDurableChanged()
    {
        var changed = _durableChanged;
        _durableChanged = NewSignal();
        changed.SetResult();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
