using System.Buffers.Binary;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Engine.Cache;
using Borealis.Engine.Vfs;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;
using SQLitePCL;

namespace Borealis.Engine;

/// <summary>
/// One instance's database: SQLite over the Borealis VFS on one volume. All MySQL schemas live in this one SQLite
/// database (one page space: SQLite page n is volume page n), so a transaction over several schemas commits as
/// one redo batch. Nothing is persisted anywhere but through the volume.
/// </summary>
/// <remarks>
/// Concurrency model (see docs/architecture.md):
/// <list type="bullet">
/// <item>Any number of connections read at once; a read transaction pins a read point (an LSN) for its life.</item>
/// <item>One transaction at a time holds the write lock (<see cref="DatabaseConnection.AcquireWriteLockAsync"/>);
/// readers never block it, and it never blocks readers.</item>
/// <item>A commit becomes one redo batch appended to the volume; it is visible to new read points at once, but
/// no reply that depends on it may leave the instance before the volume's durable LSN covers it
/// (<see cref="DatabaseConnection.WaitForDurableAsync"/>).</item>
/// <item>The VFS is the buffer cache: page versions keyed by (page, LSN), bounded by
/// <see cref="DatabaseOptions.CacheBytes"/>; SQLite's own per-connection cache is refilled from it when the
/// connection's read point moves.</item>
/// </list>
/// </remarks>
public sealed class Database : IAsyncDisposable
{
    /// <summary>The SQLite page size, which is also the volume's page size.</summary>
    public const int PageSize = 4096;

    static readonly Lock s_initLock = new();
    static bool s_initialized;

    readonly SemaphoreSlim _writeLock = new(1, 1);
    readonly string _name;
    readonly PageCache _cache;
    readonly Lock _filesLock = new();
    MainFile[] _files = [];
    Snapshot _latest;
    // Commits appended but not yet durable, oldest first, and the newest durable one: read-only transactions start
    // there, so a read never waits for (or depends on) a commit the volume could still lose.
    readonly Queue<Snapshot> _notDurable = new();
    readonly Lock _durableLock = new();
    Snapshot _latestDurable;
    readonly ReadPointSet _commitReadPoints = new();
    Lsn _horizon;
    long _retiredHits;
    long _retiredMisses;
    long _failedHorizonUpdates;
    ulong _replicaReadPoint = ulong.MaxValue;
    bool _disposed;
    // Multi-master: snapshots advance in LSN order under this monitor, whether the commit is this writer's or one
    // delivered from another writer; commits delivered ahead of one of ours wait here for it.
    readonly object _applyLock = new();
    readonly SortedDictionary<ulong, (RedoBatch Batch, AppendResult Lsns)> _aheadOfOrder = [];
    readonly List<(Lsn Lsn, TaskCompletionSource Done)> _catchUps = [];
    long _remoteCommits;

    Database(IVolume volume, DatabaseOptions options, Snapshot initial)
    {
        Volume = volume;
        Shared = volume as ISharedVolume;
        Options = options;
        _latest = initial;
        _latestDurable = initial;
        _cache = new PageCache(volume, options.CacheBytes, CollectReadPoints);
        _name = BorealisVfs.RegisterDatabase(this);
    }

    /// <summary>The volume this database stands on.</summary>
    public IVolume Volume { get; }

    /// <summary>The shared volume when this database is one of several writers (multi-master), else null.</summary>
    public ISharedVolume? Shared { get; }

    /// <summary>Multi-master: commits of other writers applied here.</summary>
    public long RemoteCommits => Interlocked.Read(ref _remoteCommits);

    public DatabaseOptions Options { get; }

    /// <summary>The newest commit: new read points start here.</summary>
    public Lsn CommittedLsn => Latest.Lsn;

    long _rolledBackWrites;

    /// <summary>Write transactions rolled back on any connection since open (a change counter, for caches of the SQL layer).</summary>
    public long RolledBackWrites => Interlocked.Read(ref _rolledBackWrites);

    internal void NoteRolledBackWrite() => Interlocked.Increment(ref _rolledBackWrites);

    /// <summary>The volume's durable LSN (VDL): every commit at or below it survives any crash.</summary>
    public Lsn DurableLsn => Volume.DurableLsn;

    internal Snapshot Latest => Volatile.Read(ref _latest);

    /// <summary>
    /// The newest commit the volume has made durable: where a read-only transaction starts. It is at most
    /// <see cref="Latest"/>; they differ only while commits wait for the volume (briefly, or for as long as the
    /// storage has no write quorum: reads keep working then).
    /// </summary>
    internal Snapshot LatestDurable
    {
        get
        {
            var durable = Volume.DurableLsn;
            lock (_durableLock)
            {
                while (_notDurable.TryPeek(out var next) && next.Lsn <= durable)
                    _latestDurable = _notDurable.Dequeue();
                return _latestDurable;
            }
        }
    }

    internal SemaphoreSlim WriteLock => _writeLock;

    /// <summary>
    /// Called for every commit, in commit order, right after it is appended to the volume and before any reader of
    /// this instance sees it (under the write lock: keep it short and non-blocking). The writer's redo stream to its
    /// replicas starts here. The batch's memory is not reused afterwards.
    /// </summary>
    public Action<RedoBatch, AppendResult>? Committed { get; set; }

    /// <summary>Runs <paramref name="action"/> holding the write lock: no commit is in progress or starts meanwhile.</summary>
    public async Task<T> WithWriteLockAsync<T>(Func<T> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            return action();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The oldest read point any replica of this writer still reads at (<see cref="Lsn.MaxValue"/>: none). The
    /// volume's read horizon never passes it, so a replica's pages stay readable from storage.
    /// </summary>
    public Lsn ReplicaReadPoint
    {
        get => new(Volatile.Read(ref _replicaReadPoint));
        set => Volatile.Write(ref _replicaReadPoint, value.Value);
    }

    /// <summary>The oldest LSN this instance still reads at: its pinned read points and its newest commit.</summary>
    public Lsn OldestReadPoint
    {
        get
        {
            var readPoints = new ReadPointSet();
            CollectReadPoints(readPoints);
            return readPoints.Oldest;
        }
    }

    /// <summary>
    /// Opens the database on <paramref name="volume"/> (an empty volume becomes an empty database; a volume with data
    /// shows every commit up to its <see cref="IVolume.AppendedLsn"/>). The database is the volume's only writer:
    /// open one <see cref="Database"/> per volume at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The volume's page size is not <see cref="PageSize"/>.</exception>
    public static Database Open(IVolume volume, DatabaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.PageSize != PageSize)
            throw new ArgumentException($"The volume's page size is {volume.PageSize}; the engine needs {PageSize}.", nameof(volume));
        EnsureSqliteInitialized();

        var shared = volume as ISharedVolume;
        Lsn lsn = shared?.AttachedAt ?? volume.AppendedLsn;
        uint pageCount = volume.GetPageCount(lsn);
        Span<byte> header = stackalloc byte[Snapshot.HeaderLength];
        uint counter = 0;
        if (pageCount > 0)
        {
            var pageOne = new byte[PageSize];
            volume.ReadPage(new PageId(1), lsn, pageOne);
            pageOne.AsSpan(Snapshot.HeaderOffset, Snapshot.HeaderLength).CopyTo(header);
            counter = BinaryPrimitives.ReadUInt32BigEndian(header);
        }
        var database = new Database(volume, options ?? new DatabaseOptions(), new Snapshot(lsn, pageCount, counter, header, 0));
        shared?.StartDelivery(database.ApplyRemote);
        return database;
    }

    /// <summary>Opens a new SQLite connection on this database. Each MySQL session owns one.</summary>
    public DatabaseConnection OpenConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int rc = raw.sqlite3_open_v2(_name, out var handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_NOMUTEX, BorealisVfs.Name);
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errstr(rc).utf8_to_string();
            handle?.Dispose();
            throw new InvalidOperationException($"sqlite3_open_v2 failed: {message}");
        }
        try
        {
            var file = BorealisVfs.GetMainFile(handle.DangerousGetHandle());
            TextCollation.Register(handle);
            // journal_mode=MEMORY: the VFS overlay gives atomicity, the in-memory journal keeps statement and
            // savepoint rollback correct (never OFF). synchronous=NORMAL still sends SQLITE_FCNTL_SYNC at commit.
            rc = raw.sqlite3_exec(handle, "PRAGMA page_size=4096; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=NORMAL;");
            if (rc != raw.SQLITE_OK)
                throw new InvalidOperationException($"Configuring the connection failed: {raw.sqlite3_errmsg(handle).utf8_to_string()}");
            return new DatabaseConnection(this, handle, file);
        }
        catch
        {
            raw.sqlite3_close_v2(handle);
            throw;
        }
    }

    /// <summary>Counters for monitoring (cache, commits, LSNs).</summary>
    public DatabaseStatistics GetStatistics()
    {
        long hits = Interlocked.Read(ref _retiredHits);
        long misses = Interlocked.Read(ref _retiredMisses);
        var files = Volatile.Read(ref _files);
        foreach (var file in files)
        {
            hits += file.CacheHits;
            misses += file.CacheMisses;
        }
        var latest = Latest;
        var readPoints = new ReadPointSet();
        CollectReadPoints(readPoints);
        return new DatabaseStatistics(
            hits, misses, _cache.Bytes, _cache.BudgetBytes, _cache.Versions, _cache.Evictions,
            latest.Sequence, latest.Lsn, Volume.DurableLsn, readPoints.Oldest, files.Length);
    }

    /// <summary>
    /// Closes the database to new connections. Dispose every <see cref="DatabaseConnection"/> first. The volume is
    /// not disposed: its owner does that (and may open a new <see cref="Database"/> on it).
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
            return ValueTask.CompletedTask;
        _disposed = true;
        // New connections can no longer open it. The write lock is not disposed: a connection closed later must
        // still be able to release it (SemaphoreSlim holds no native resource unless its wait handle is used).
        BorealisVfs.UnregisterDatabase(_name);
        return ValueTask.CompletedTask;
    }

    internal MainFile OpenMainFile()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var file = new MainFile(this, _cache);
        lock (_filesLock)
            _files = [.. _files, file];
        return file;
    }

    internal void RemoveFile(MainFile file)
    {
        lock (_filesLock)
        {
            int index = Array.IndexOf(_files, file);
            if (index < 0)
                return;
            var files = new MainFile[_files.Length - 1];
            Array.Copy(_files, 0, files, 0, index);
            Array.Copy(_files, index + 1, files, index, files.Length - index);
            _files = files;
            Interlocked.Add(ref _retiredHits, file.CacheHits);
            Interlocked.Add(ref _retiredMisses, file.CacheMisses);
        }
    }

    /// <summary>
    /// Makes a commit the newest snapshot (its page versions are already in the cache), then drops the versions it
    /// superseded that no read point needs and moves the volume's read horizon. Runs under the write lock.
    /// </summary>
    internal void CompleteCommit(Snapshot next, List<uint> pages)
    {
        lock (_durableLock)
            _notDurable.Enqueue(next);
        Volatile.Write(ref _latest, next);
        // The snapshot store must be visible before the pins are scanned (see MainFile.Pin).
        Interlocked.MemoryBarrier();
        var readPoints = _commitReadPoints;
        CollectReadPoints(readPoints);
        Lsn oldest = Lsn.Min(readPoints.Oldest, ReplicaReadPoint);
        foreach (var page in pages)
            _cache.ReleaseObsolete(page, readPoints);
        if (oldest > _horizon)
        {
            _horizon = oldest;
            try
            {
                Volume.SetReadHorizon(oldest);
            }
#pragma warning disable CA1031 // The commit is already appended; a horizon is advisory and is retried at the next commit.
            catch (Exception)
#pragma warning restore CA1031
            {
                _horizon = Lsn.Zero;
                Interlocked.Increment(ref _failedHorizonUpdates);
            }
        }
        _cache.EnforceBudget();
    }

    /// <summary>
    /// Replica: makes a commit of the writer's redo stream visible. Cached pages the commit changed get their new
    /// versions (the deltas applied to the versions they were computed against); other pages are read from the
    /// volume at the new read points. Call from one thread, in LSN order, only for commits the volume already
    /// reports durable (a replica never shows what a crash could take back).
    /// </summary>
    /// <returns>True when the commit was applied; false when it is at or below the point this replica opened at
    /// (nothing to do). Each applied commit counts in <see cref="DatabaseStatistics.Commits"/>.</returns>
    /// <exception cref="InvalidOperationException">The database is not a replica.</exception>
    public bool ApplyReplicated(RedoBatch batch, AppendResult lsns)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Options.ReadOnly)
            throw new InvalidOperationException("Only a replica applies a redo stream.");
        var latest = Latest;
        if (lsns.Commit <= latest.Lsn)
            return false; // At or below the point this replica opened at.
        if (lsns.Commit > Volume.DurableLsn)
            throw new InvalidOperationException($"Commit {lsns.Commit} is not durable yet (VDL {Volume.DurableLsn}).");
        ApplyBatch(batch, lsns, latest);
        return true;
    }

    /// <summary>Applies a commit made elsewhere (the writer of a replica, another writer of a multi-master volume) on top of <paramref name="latest"/>.</summary>
    void ApplyBatch(RedoBatch batch, AppendResult lsns, Snapshot latest)
    {
        _cache.BeginReplicaApply(lsns.Commit);
        var pages = new List<uint>(batch.Records.Count);
        bool pageOne = false;
        for (int i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            _cache.ApplyReplicated(record.Page.Value, record.PreviousLsn, new Lsn(lsns.First.Value + (ulong)i), record.Delta.Span);
            pages.Add(record.Page.Value);
            pageOne |= record.Page.Value == 1;
        }
        Span<byte> header = stackalloc byte[Snapshot.HeaderLength];
        if (pageOne)
        {
            long hits = 0, misses = 0;
            _cache.Read(1, lsns.Commit, Snapshot.HeaderOffset, header, ref hits, ref misses);
            Interlocked.Add(ref _retiredHits, hits);
            Interlocked.Add(ref _retiredMisses, misses);
        }
        else
        {
            // Bytes 28..39 (size, freelist) change only with page 1; the counter is the snapshot's own.
            latest.Header.CopyTo(header);
        }
        var next = new Snapshot(lsns.Commit, batch.PageCount, latest.ChangeCounter + 1, header, latest.Sequence + 1);
        CompleteCommit(next, pages);
    }

    /// <summary>
    /// Multi-master: a commit of another writer, delivered in LSN order. Applied at once when it follows the newest
    /// snapshot; otherwise (a commit of this writer is between them, still being published) kept until it does.
    /// </summary>
    void ApplyRemote(RedoBatch batch, AppendResult lsns)
    {
        lock (_applyLock)
        {
            if (lsns.Commit <= Latest.Lsn)
                return;
            _aheadOfOrder[lsns.First.Value] = (batch, lsns);
            ApplyInOrder();
        }
    }

    /// <summary>Applies the delivered commits that follow the newest snapshot; wakes whoever waits for an LSN. Holds <see cref="_applyLock"/>.</summary>
    void ApplyInOrder()
    {
        while (_aheadOfOrder.Remove(Latest.Lsn.Value + 1, out var next))
        {
            ApplyBatch(next.Batch, next.Lsns, Latest);
            Interlocked.Increment(ref _remoteCommits);
        }
        var latest = Latest.Lsn;
        for (int i = _catchUps.Count - 1; i >= 0; i--)
        {
            if (_catchUps[i].Lsn <= latest)
            {
                _catchUps[i].Done.TrySetResult();
                _catchUps.RemoveAt(i);
            }
        }
        Monitor.PulseAll(_applyLock);
    }

    /// <summary>
    /// Multi-master: publishes this writer's commit appended at <paramref name="lsns"/> once every commit before it
    /// (other writers', delivered) is applied, then the delivered commits that follow it. <paramref name="publish"/>
    /// gets the snapshot the commit lands on.
    /// </summary>
    /// <exception cref="TimeoutException">The commits before it were not delivered in time (the volume's delivery stalled).</exception>
    internal void PublishInOrder(AppendResult lsns, Action<Snapshot> publish)
    {
        var deadline = DateTime.UtcNow + Options.LockWaitTimeout;
        lock (_applyLock)
        {
            while (Latest.Lsn.Value + 1 != lsns.First.Value)
            {
                if (Latest.Lsn >= lsns.First)
                    throw new InvalidOperationException($"Commit {lsns.First}..{lsns.Commit} is below the newest snapshot {Latest.Lsn}.");
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"The commits before LSN {lsns.First} were not delivered (newest applied: {Latest.Lsn}).");
                Monitor.Wait(_applyLock, left);
            }
            publish(Latest);
            ApplyInOrder();
        }
    }

    /// <summary>
    /// Multi-master: completes once this writer has applied every commit the volume had when called (any writer's):
    /// before a transaction's first write, so that a client that wrote through another writer never conflicts with itself.
    /// </summary>
    public async ValueTask CatchUpAsync(CancellationToken cancellationToken)
    {
        if (Shared is null)
            return;
        var target = await Shared.GetLatestCommitAsync(cancellationToken);
        TaskCompletionSource done;
        lock (_applyLock)
        {
            if (Latest.Lsn >= target)
                return;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _catchUps.Add((target, done));
        }
        await done.Task.WaitAsync(Options.LockWaitTimeout, cancellationToken);
    }

    /// <summary>
    /// Fills <paramref name="readPoints"/> with the newest commit and every pinned read point. The newest commit is
    /// read first: a connection pinning concurrently either is seen here or pins that commit or a later one.
    /// </summary>
    internal void CollectReadPoints(ReadPointSet readPoints)
    {
        readPoints.Clear();
        readPoints.Add(Latest.Lsn);
        // Read-only transactions start at the newest durable commit, which moves up through the commits still
        // waiting for the volume: keep the versions each of them reads, or they would miss the cache later.
        var durable = LatestDurable;
        lock (_durableLock)
        {
            readPoints.Add(durable.Lsn);
            foreach (var waiting in _notDurable)
                readPoints.Add(waiting.Lsn);
        }
        foreach (var file in Volatile.Read(ref _files))
        {
            ulong pinned = file.PinnedLsn;
            if (pinned != ulong.MaxValue)
                readPoints.Add(new Lsn(pinned));
        }
        readPoints.Seal();
    }

    static void EnsureSqliteInitialized()
    {
        lock (s_initLock)
        {
            if (s_initialized)
                return;
            Batteries_V2.Init();
            s_initialized = true;
        }
    }
}
