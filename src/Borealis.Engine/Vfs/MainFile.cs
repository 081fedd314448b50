using System.Buffers;
using System.Buffers.Binary;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Engine.Cache;
using Borealis.Volume;

namespace Borealis.Engine.Vfs;

/// <summary>
/// One connection's handle on the main database file: its lock level, its pinned read point, and the private
/// overlay of the pages its write transaction has written. Used by that connection's thread only; what other
/// threads read (the pinned LSN, the counters) is read with volatile semantics.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>xLock NONE→SHARED pins the read point (the newest commit); reads and the size are served at it until
/// xUnlock(NONE).</item>
/// <item>RESERVED and above are granted to the holder of the database write lock, whatever readers do.</item>
/// <item>Writes go to the overlay (spills included). <c>SQLITE_FCNTL_SYNC</c> turns it into one redo batch, appends
/// it to the volume and publishes the new versions; an unlock below RESERVED without it is a rollback.</item>
/// </list>
/// </remarks>
internal sealed class MainFile : VfsFile
{
    const ulong NotPinned = ulong.MaxValue;
    const int MaxRetainedDeltaBytes = 1 << 20;

    readonly Database _database;
    readonly PageCache _cache;
    readonly int _pageSize;
    readonly Dictionary<uint, byte[]> _overlay = [];
    readonly List<uint> _pages = [];
    readonly List<PendingRecord> _records = [];
    ArrayBufferWriter<byte> _deltas = new(4096);
    byte[]? _scratch;
    int _lockLevel;
    Snapshot? _snapshot;
    ulong _pinned = NotPinned;
    WriteLockOwner _writeLock;
    bool _reserved;
    bool _writing;
    bool _commitFailed;
    // The write transaction reached SQLITE_FCNTL_SYNC and committed (reset when it ends).
    bool _synced;
    // Added to the change counter this connection's SQLite sees. A commit that failed left SQLite believing in the
    // counter it wrote for it (snapshot + 1), which the next commit applied here (another writer's, say) would
    // present too: SQLite would keep pages of the wrong state. After a failed commit the salt jumps by 2^31, so no
    // counter SQLite saw before matches one it sees after, and it rereads every page.
    uint _counterSalt;
    uint _overlayPageCount;
    long _hits;
    long _misses;

    public MainFile(Database database, PageCache cache)
    {
        _database = database;
        _cache = cache;
        _pageSize = cache.PageSize;
    }

    enum WriteLockOwner
    {
        None,
        /// <summary>Taken by <see cref="DatabaseConnection.AcquireWriteLockAsync"/>: released by EndStatement or close.</summary>
        Api,
        /// <summary>Taken by xLock(RESERVED) itself: released when the write transaction ends.</summary>
        Vfs,
    }

    /// <summary>The highest LSN what this connection returned depends on (read points and commits).</summary>
    public Lsn ReplyLsn { get; private set; }

    /// <summary>The snapshot read at, while a read transaction is open.</summary>
    public Snapshot? PinnedSnapshot => _snapshot;

    /// <summary>The pinned read point as other threads see it (<see cref="ulong.MaxValue"/>: none).</summary>
    public ulong PinnedLsn => Volatile.Read(ref _pinned);

    public bool HoldsWriteLock => _writeLock != WriteLockOwner.None;

    /// <summary>True once the current transaction has taken RESERVED or written a page.</summary>
    public bool HasWritten => _reserved || _writing;

    public long CacheHits => Volatile.Read(ref _hits);

    public long CacheMisses => Volatile.Read(ref _misses);

    // ---- write lock ----

    /// <summary>Records that the caller acquired the database write lock for this connection.</summary>
    public void TakeWriteLock() => _writeLock = WriteLockOwner.Api;

    /// <summary>A lock xLock took itself is now held until EndStatement, like one the caller acquired.</summary>
    public void AdoptWriteLock()
    {
        if (_writeLock == WriteLockOwner.Vfs)
            _writeLock = WriteLockOwner.Api;
    }

    /// <summary>Releases the write lock after a statement if no transaction remains.</summary>
    public void EndStatement(bool inTransaction)
    {
        if (_writeLock == WriteLockOwner.None || inTransaction)
            return;
        if (_lockLevel >= SqliteNative.LockReserved)
        {
            // A statement still holds SQLite's write transaction open (e.g. not yet reset): release at its unlock.
            _writeLock = WriteLockOwner.Vfs;
            return;
        }
        ReleaseWriteLock();
    }

    /// <summary>Releases the write lock if this connection holds it; never twice (a deferred close may race a dispose).</summary>
    public void ReleaseWriteLock()
    {
        if (Interlocked.Exchange(ref _writeLock, WriteLockOwner.None) != WriteLockOwner.None)
            _database.WriteLock.Release();
    }

    // ---- locks and read points ----

    public override int Lock(int level)
    {
        if (level <= _lockLevel)
            return SqliteNative.Ok;
        if (_lockLevel == SqliteNative.LockNone)
        {
            Pin();
            _lockLevel = SqliteNative.LockShared;
            if (level == SqliteNative.LockShared)
                return SqliteNative.Ok;
        }
        if (_lockLevel < SqliteNative.LockReserved)
        {
            if (_database.Options.ReadOnly)
                return SqliteNative.ReadOnly;
            bool taken = false;
            if (_writeLock == WriteLockOwner.None)
            {
                if (!_database.WriteLock.Wait(0))
                    return SqliteNative.Busy;
                _writeLock = WriteLockOwner.Vfs;
                taken = true;
            }
            if (_database.Shared is null && !ReferenceEquals(_snapshot, _database.Latest))
            {
                // The transaction read an older snapshot: writing on it would lose the newer commits. (With several
                // writers the shared volume checks that at commit, page by page: another writer's commits arrive
                // at any time.)
                if (taken)
                    ReleaseWriteLock();
                return SqliteNative.Busy;
            }
            _reserved = true;
        }
        _lockLevel = level;
        return SqliteNative.Ok;
    }

    public override int Unlock(int level)
    {
        if (level < SqliteNative.LockReserved)
        {
            if (_writing)
                DiscardOverlay(); // No sync reached: the transaction rolled back.
            _commitFailed = false;
            if (_lockLevel >= SqliteNative.LockReserved)
            {
                if (!_synced)
                    _database.NoteRolledBackWrite(); // (or wrote nothing: counted too, which only costs a recheck)
                _synced = false;
                _reserved = false;
                if (_writeLock == WriteLockOwner.Vfs)
                    ReleaseWriteLock();
            }
        }
        if (level == SqliteNative.LockNone && _lockLevel > SqliteNative.LockNone)
            Unpin();
        _lockLevel = Math.Min(_lockLevel, level);
        return SqliteNative.Ok;
    }

    void Pin()
    {
        // Publish the pin, then check that no commit slipped in between: the writer advances the snapshot before
        // it scans the pins, so either it sees this pin or this loop sees its snapshot (a Dekker handshake).
        // A transaction that may write reads the newest commit, and so does one whose connection already depends on
        // a commit not yet durable (its own, say: read your writes). Any other reads the newest durable commit, so it
        // never waits for the volume: reads go on while storage has no write quorum.
        var snapshot = _database.LatestDurable;
        bool writer = HoldsWriteLock || ReplyLsn > snapshot.Lsn;
        if (writer)
            snapshot = _database.Latest;
        while (true)
        {
            Interlocked.Exchange(ref _pinned, snapshot.Lsn.Value);
            var again = writer ? _database.Latest : _database.LatestDurable;
            if (ReferenceEquals(again, snapshot))
                break;
            snapshot = again;
        }
        _snapshot = snapshot;
        if (snapshot.Lsn > ReplyLsn)
            ReplyLsn = snapshot.Lsn;
    }

    void Unpin()
    {
        _snapshot = null;
        Volatile.Write(ref _pinned, NotPinned);
    }

    // ---- I/O ----

    public override int Read(Span<byte> destination, long offset)
    {
        uint page = (uint)(offset / _pageSize) + 1;
        int inPage = (int)(offset % _pageSize);
        if (inPage + destination.Length > _pageSize)
            throw new InvalidOperationException($"A read of {destination.Length} bytes at {offset} spans pages.");

        if (_writing)
        {
            if (_overlay.TryGetValue(page, out var written))
            {
                written.AsSpan(inPage, destination.Length).CopyTo(destination);
                return SqliteNative.Ok;
            }
            if (page > _overlayPageCount)
                return ShortRead(destination);
        }

        var snapshot = _snapshot;
        if (snapshot is null)
        {
            // Outside a transaction (the header read at open): read at the newest commit, pinned for the read.
            Pin();
            try
            {
                return ReadAt(_snapshot!, page, inPage, destination);
            }
            finally
            {
                Unpin();
            }
        }
        return ReadAt(snapshot, page, inPage, destination);
    }

    int ReadAt(Snapshot snapshot, uint page, int inPage, Span<byte> destination)
    {
        if (page > snapshot.PageCount)
            return ShortRead(destination);
        if (page == 1)
        {
            if (inPage >= Snapshot.HeaderOffset && inPage + destination.Length <= Snapshot.HeaderOffset + Snapshot.HeaderLength)
            {
                // The change-counter probe at every read transaction: answered from the snapshot.
                snapshot.Header.Slice(inPage - Snapshot.HeaderOffset, destination.Length).CopyTo(destination);
                if (_counterSalt != 0)
                    snapshot.PatchPageOne(destination, inPage, _counterSalt);
                return SqliteNative.Ok;
            }
            _cache.Read(page, snapshot.Lsn, inPage, destination, ref _hits, ref _misses);
            snapshot.PatchPageOne(destination, inPage, _counterSalt);
            return SqliteNative.Ok;
        }
        _cache.Read(page, snapshot.Lsn, inPage, destination, ref _hits, ref _misses);
        return SqliteNative.Ok;
    }

    static int ShortRead(Span<byte> destination)
    {
        destination.Clear();
        return SqliteNative.IoErrShortRead;
    }

    public override int Write(ReadOnlySpan<byte> source, long offset)
    {
        if (_writeLock == WriteLockOwner.None || _lockLevel < SqliteNative.LockReserved || _snapshot is null)
            throw new InvalidOperationException("A page write without the write lock.");
        if (offset % _pageSize != 0 || source.Length != _pageSize)
            throw new InvalidOperationException($"A write of {source.Length} bytes at {offset} is not one whole page.");
        uint page = (uint)(offset / _pageSize) + 1;
        if (page > PageCache.MaxPage)
            throw new InvalidOperationException($"Page {page} is beyond the largest database supported.");
        BeginWriting();
        if (!_overlay.TryGetValue(page, out var buffer))
        {
            buffer = PagePool.Rent(_pageSize);
            _overlay.Add(page, buffer);
        }
        source.CopyTo(buffer);
        if (page > _overlayPageCount)
            _overlayPageCount = page;
        return SqliteNative.Ok;
    }

    public override int Truncate(long size)
    {
        if (_writeLock == WriteLockOwner.None || _lockLevel < SqliteNative.LockReserved || _snapshot is null)
            throw new InvalidOperationException("A truncation without the write lock.");
        if (size % _pageSize != 0)
            throw new InvalidOperationException($"A truncation to {size} bytes is not a whole number of pages.");
        uint pages = (uint)(size / _pageSize);
        if (!_writing && pages == (_snapshot.PageCount))
            return SqliteNative.Ok; // The phase-two truncation of a shrinking commit, already in its batch.
        BeginWriting();
        _overlayPageCount = pages;
        _pages.Clear();
        foreach (var page in _overlay.Keys)
        {
            if (page > _overlayPageCount)
                _pages.Add(page);
        }
        foreach (var page in _pages)
        {
            _overlay.Remove(page, out var buffer);
            PagePool.Return(buffer!);
        }
        return SqliteNative.Ok;
    }

    void BeginWriting()
    {
        if (_writing)
            return;
        _writing = true;
        _overlayPageCount = _snapshot!.PageCount;
    }

    public override long GetSize()
    {
        uint pages = _writing ? _overlayPageCount : (_snapshot ?? _database.Latest).PageCount;
        return (long)pages * _pageSize;
    }

    public override unsafe int FileControl(int op, void* arg) => op switch
    {
        SqliteNative.FcntlSync => Synced(Commit()),
        SqliteNative.FcntlCommitPhaseTwo => SqliteNative.Ok,
        _ => SqliteNative.NotFound,
    };

    int Synced(int rc)
    {
        if (rc == SqliteNative.Ok)
            _synced = true;
        return rc;
    }

    public override void Close()
    {
        if (_lockLevel >= SqliteNative.LockReserved && !_synced)
            _database.NoteRolledBackWrite();
        if (_writing)
            DiscardOverlay();
        ReleaseWriteLock();
        Unpin();
        _lockLevel = SqliteNative.LockNone;
        _database.RemoveFile(this);
    }

    // ---- commit ----

    readonly record struct PendingRecord(uint Page, Lsn Previous, int Start, int Length);

    /// <summary>
    /// At <c>SQLITE_FCNTL_SYNC</c>: every dirty page is written. Builds one redo batch of deltas against each page's
    /// newest version, appends it, publishes the new versions and moves the database (and this connection's read
    /// point) to the commit. A failed append discards the overlay and fails the commit, which SQLite rolls back.
    /// </summary>
    int Commit()
    {
        if (!_writing)
            return SqliteNative.Ok;
        var snapshot = _snapshot;
        var shared = _database.Shared;
        if (_writeLock == WriteLockOwner.None || snapshot is null || (shared is null && !ReferenceEquals(snapshot, _database.Latest)))
        {
            DiscardOverlay();
            LastError = new InvalidOperationException("A commit without the write lock or on a stale snapshot.");
            return SqliteNative.IoErr;
        }

        if (_commitFailed)
        {
            // This transaction's commit already failed and SQLite is rolling it back (an I/O error at commit always
            // ends the transaction): whatever it writes now restores the snapshot. Nothing more goes to the volume.
            DiscardOverlay();
            return SqliteNative.IoErr;
        }
        uint pageCount = CommittedPageCount();
        _pages.Clear();
        foreach (var page in _overlay.Keys)
        {
            if (page <= pageCount)
                _pages.Add(page);
        }
        _pages.Sort();

        // Deltas against the versions the transaction read: its snapshot (the newest commit, for a single writer).
        _records.Clear();
        _deltas.ResetWrittenCount();
        var previous = _scratch ??= new byte[_pageSize];
        foreach (var page in _pages)
        {
            Lsn previousLsn = _cache.ReadUncached(page, snapshot.Lsn, previous, ref _hits, ref _misses);
            var image = _overlay[page].AsSpan(0, _pageSize);
            if (page == 1)
                KeepStoredChangeCounter(previous, image);
            int start = _deltas.WrittenCount;
            int length = PageDelta.Compute(previous, image, _deltas);
            if (length > 0)
                _records.Add(new PendingRecord(page, previousLsn, start, length));
        }
        if (_records.Count == 0)
        {
            if (pageCount == snapshot.PageCount)
            {
                // Nothing changed: the sync that ends the playback of a rolled-back, spilled transaction.
                DiscardOverlay();
                return SqliteNative.Ok;
            }
            // Only the size changed: a batch needs one record, and the size is page 1's, so ship an empty delta for it.
            Lsn pageOne = _cache.ReadUncached(1, snapshot.Lsn, previous, ref _hits, ref _misses);
            if (!_overlay.ContainsKey(1))
            {
                var copy = PagePool.Rent(_pageSize);
                previous.CopyTo(copy, 0);
                _overlay.Add(1, copy);
            }
            _records.Add(new PendingRecord(1, pageOne, _deltas.WrittenCount, 0));
        }

        byte[] blob = _deltas.WrittenSpan.ToArray();
        if (_deltas.Capacity > MaxRetainedDeltaBytes)
            _deltas = new ArrayBufferWriter<byte>(4096); // Do not keep a huge transaction's buffer for the connection's life.
        var records = new RedoRecord[_records.Count];
        for (int i = 0; i < records.Length; i++)
        {
            var r = _records[i];
            records[i] = new RedoRecord(new PageId(r.Page), r.Previous, blob.AsMemory(r.Start, r.Length));
        }

        AppendResult result;
        var batch = new RedoBatch(records, pageCount);
        try
        {
            result = shared is null ? _database.Volume.Append(batch) : shared.Append(batch, snapshot.Lsn, snapshot.PageCount);
        }
#pragma warning disable CA1031 // Any append failure (a write conflict included) fails this commit; SQLite rolls it back.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LastError = ex;
            DiscardOverlay();
            _commitFailed = true;
            _counterSalt = unchecked(_counterSalt + 0x8000_0000u);
            return SqliteNative.IoErr;
        }

        try
        {
            if (shared is null)
            {
                _database.Committed?.Invoke(batch, result);
                Publish(snapshot, result, pageCount);
            }
            else
            {
                // Another writer's commits may lie between the snapshot and this one: land on the newest, in LSN order.
                // A batch that kept its snapshot's size has the volume's size (another writer may have grown it).
                bool resizes = pageCount != snapshot.PageCount;
                _database.PublishInOrder(result, baseline => Publish(baseline, result, resizes ? pageCount : baseline.PageCount));
            }
        }
#pragma warning disable CA1031 // Crash-only: the volume holds a commit this process could not publish.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Environment.FailFast($"Commit {result.Commit} was appended to the volume but could not be published.", ex);
        }
        return SqliteNative.Ok;
    }

    /// <summary>
    /// Page 1's change counter (offsets 24 and 92) is presented from the read point (<see cref="Snapshot"/>), never
    /// read from storage: a commit keeps the stored value, so that a transaction that changes nothing else on page 1
    /// ships no record for it (tens of bytes less per commit, and, with several writers, no conflict on it).
    /// </summary>
    static void KeepStoredChangeCounter(ReadOnlySpan<byte> stored, Span<byte> image)
    {
        stored.Slice(24, 4).CopyTo(image[24..]);
        stored.Slice(92, 4).CopyTo(image[92..]);
    }

    /// <summary>Publishes an appended commit: the cache, the database's newest snapshot, this connection's read point.</summary>
    void Publish(Snapshot baseline, AppendResult result, uint pageCount)
    {
        Span<byte> header = stackalloc byte[Snapshot.HeaderLength];
        bool pageOne = false;
        foreach (var record in _records)
            pageOne |= record.Page == 1;
        if (pageOne && _overlay.TryGetValue(1, out var pageOneImage))
            pageOneImage.AsSpan(Snapshot.HeaderOffset, Snapshot.HeaderLength).CopyTo(header);
        else
            baseline.Header.CopyTo(header);
        var next = new Snapshot(result.Commit, pageCount, baseline.ChangeCounter + 1, header, baseline.Sequence + 1);

        _pages.Clear();
        for (int i = 0; i < _records.Count; i++)
        {
            uint page = _records[i].Page;
            if (_overlay.Remove(page, out var image))
                _cache.Publish(page, new Lsn(result.First.Value + (ulong)i), image);
            _pages.Add(page);
        }
        DiscardOverlay();

        // This connection now reads at its own commit (SQLite's cache holds the committed pages).
        _snapshot = next;
        Interlocked.Exchange(ref _pinned, next.Lsn.Value);
        ReplyLsn = result.Commit;
        _database.CompleteCommit(next, _pages);
    }

    /// <summary>
    /// The database size once this transaction commits. A commit that shrinks the file (VACUUM, auto-vacuum)
    /// truncates it only after the sync, in phase two, so the size is taken from page 1's header (offset 28),
    /// which SQLite keeps valid whenever offsets 24 and 92 agree.
    /// </summary>
    uint CommittedPageCount()
    {
        if (_overlay.TryGetValue(1, out var pageOne))
        {
            var image = pageOne.AsSpan(0, _pageSize);
            if (image.Slice(24, 4).SequenceEqual(image.Slice(92, 4)))
            {
                uint inHeader = BinaryPrimitives.ReadUInt32BigEndian(image[28..]);
                if (inHeader > 0)
                    return inHeader;
            }
        }
        return _overlayPageCount;
    }

    void DiscardOverlay()
    {
        foreach (var buffer in _overlay.Values)
            PagePool.Return(buffer);
        _overlay.Clear();
        _writing = false;
        _overlayPageCount = 0;
    }
}
