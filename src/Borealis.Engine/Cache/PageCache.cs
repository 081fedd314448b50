using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Engine.Cache;

/// <summary>
/// The multi-version buffer cache: page versions keyed by (page, LSN). A read at read point R returns the newest
/// version at or below R; a miss reads the volume at R. Committed versions are published here by the writer.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The hot path takes one uncontended lock (the page's entry) and copies the bytes asked for;
/// there is no global lock. Entries live in a two-level array indexed by page number.</para>
/// <para>Memory is bounded by a byte budget. When it is exceeded, a clock sweep drops first the versions no read
/// point can need (superseded, and covering no pinned read point), then versions not read since the hand last
/// passed. Any dropped version can be read again from the volume, whose read horizon never passes the oldest
/// pinned read point.</para>
/// </remarks>
internal sealed class PageCache
{
    const int ChunkBits = 12;
    const int ChunkSize = 1 << ChunkBits;
    const int ChunkMask = ChunkSize - 1;
    const int ChunkCount = 1 << 16;

    /// <summary>The highest page number the cache can hold (1 TiB of 4 KiB pages).</summary>
    public const uint MaxPage = (uint)ChunkCount * ChunkSize - 1;

    readonly PageEntry?[]?[] _chunks = new PageEntry?[]?[ChunkCount];
    readonly IVolume _volume;
    readonly int _pageSize;
    readonly long _budget;
    readonly long _evictTarget;
    readonly Action<ReadPointSet> _collectReadPoints;
    readonly ReadPointSet _evictionReadPoints = new();
    readonly Lock _evictLock = new();
    long _bytes;
    long _versions;
    long _evictions;
    uint _maxPage;
    uint _hand = 1;
    // Replica: the commit whose records are being applied (or the last applied). A version read from the volume at
    // a read point below it may already be superseded by a record that was skipped because the page was not cached.
    ulong _replicaApplying;

    /// <param name="collectReadPoints">Fills a set with the pinned read points and the newest commit.</param>
    public PageCache(IVolume volume, long budgetBytes, Action<ReadPointSet> collectReadPoints)
    {
        _volume = volume;
        _pageSize = volume.PageSize;
        _budget = Math.Max(budgetBytes, _pageSize);
        // Evict a little below the budget so that a sweep is not needed at every insertion.
        _evictTarget = Math.Max(_pageSize, _budget - Math.Max(_pageSize, _budget / 16));
        _collectReadPoints = collectReadPoints;
    }

    public int PageSize => _pageSize;

    /// <summary>Bytes of page images held.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Page versions held.</summary>
    public long Versions => Volatile.Read(ref _versions);

    /// <summary>Versions dropped to respect the budget.</summary>
    public long Evictions => Volatile.Read(ref _evictions);

    public long BudgetBytes => _budget;

    /// <summary>
    /// Copies <paramref name="destination"/>.Length bytes at <paramref name="offset"/> of the version of
    /// <paramref name="page"/> visible at <paramref name="readPoint"/>, from the cache or (on a miss) the volume.
    /// </summary>
    /// <returns>The LSN of the version read.</returns>
    public Lsn Read(uint page, Lsn readPoint, int offset, Span<byte> destination, ref long hits, ref long misses)
    {
        if (TryRead(page, readPoint, offset, destination, out var lsn))
        {
            hits++;
            return lsn;
        }
        misses++;
        byte[] buffer = PagePool.Rent(_pageSize);
        try
        {
            lsn = _volume.ReadPage(new PageId(page), readPoint, buffer.AsSpan(0, _pageSize));
        }
        catch
        {
            PagePool.Return(buffer);
            throw;
        }
        buffer.AsSpan(offset, destination.Length).CopyTo(destination);
        Insert(page, readPoint, lsn, buffer);
        return lsn;
    }

    /// <summary>
    /// Copies the whole version of <paramref name="page"/> visible at <paramref name="readPoint"/> without caching a
    /// miss (the writer reads the image it is about to supersede).
    /// </summary>
    public Lsn ReadUncached(uint page, Lsn readPoint, Span<byte> destination, ref long hits, ref long misses)
    {
        if (TryRead(page, readPoint, 0, destination[.._pageSize], out var lsn))
        {
            hits++;
            return lsn;
        }
        misses++;
        return _volume.ReadPage(new PageId(page), readPoint, destination[.._pageSize]);
    }

    bool TryRead(uint page, Lsn readPoint, int offset, Span<byte> destination, out Lsn lsn)
    {
        var entry = GetEntry(page);
        if (entry is not null)
        {
            lock (entry)
            {
                var versions = entry.Versions;
                for (int i = 0; i < entry.Count; i++)
                {
                    ref var v = ref versions[i];
                    if (v.Lsn <= readPoint && readPoint <= v.ValidThrough)
                    {
                        v.Buffer.AsSpan(offset, destination.Length).CopyTo(destination);
                        v.Referenced = true;
                        lsn = v.Lsn;
                        return true;
                    }
                }
            }
        }
        lsn = default;
        return false;
    }

    /// <summary>Adds a version read from the volume at <paramref name="readPoint"/>; takes ownership of <paramref name="buffer"/>.</summary>
    void Insert(uint page, Lsn readPoint, Lsn lsn, byte[] buffer)
    {
        PageEntry entry;
        bool added = false;
        while (true)
        {
            entry = GetOrCreateEntry(page);
            if (TryInsert(entry, readPoint, lsn, buffer, ref added))
                break;
        }
        if (added)
            Added();
        else
            PagePool.Return(buffer);
    }

    bool TryInsert(PageEntry entry, Lsn readPoint, Lsn lsn, byte[] buffer, ref bool added)
    {
        lock (entry)
        {
            if (entry.Dead)
                return false;
            // The volume returned the newest version at or below the read point. It is the page's newest version
            // overall unless a newer one was committed through this cache (every commit since open is), or, on a
            // replica, a commit above the read point is being or has been applied (its record may have been skipped).
            Lsn validThrough = entry.NewestPublished > readPoint || Volatile.Read(ref _replicaApplying) > readPoint.Value
                ? readPoint : Lsn.MaxValue;
            int same = -1;
            for (int i = 0; i < entry.Count; i++)
            {
                ref var v = ref entry.Versions[i];
                if (v.Lsn > readPoint)
                    validThrough = readPoint;
                if (v.Lsn == lsn)
                    same = i;
            }
            if (same >= 0)
            {
                ref var v = ref entry.Versions[same];
                if (validThrough > v.ValidThrough)
                    v.ValidThrough = validThrough;
                v.Referenced = true;
            }
            else
            {
                entry.Add(new PageVersion { Lsn = lsn, ValidThrough = validThrough, Buffer = buffer, Referenced = true });
                added = true;
            }
            return true;
        }
    }

    /// <summary>
    /// Publishes the version of <paramref name="page"/> committed at <paramref name="lsn"/>; takes ownership of
    /// <paramref name="buffer"/>. The previous newest version becomes valid through <c>lsn - 1</c>.
    /// </summary>
    public void Publish(uint page, Lsn lsn, byte[] buffer)
    {
        while (!TryPublish(GetOrCreateEntry(page), lsn, buffer))
        {
        }
        Interlocked.Add(ref _bytes, _pageSize);
        Interlocked.Increment(ref _versions);
    }

    static bool TryPublish(PageEntry entry, Lsn lsn, byte[] buffer)
    {
        lock (entry)
        {
            if (entry.Dead)
                return false;
            entry.NewestPublished = lsn;
            var closed = new Lsn(lsn.Value - 1);
            for (int i = 0; i < entry.Count; i++)
            {
                ref var v = ref entry.Versions[i];
                if (v.ValidThrough > closed)
                    v.ValidThrough = closed;
            }
            entry.Add(new PageVersion { Lsn = lsn, ValidThrough = Lsn.MaxValue, Buffer = buffer, Referenced = true });
            return true;
        }
    }

    /// <summary>
    /// Replica: announces that the records of the commit at <paramref name="commit"/> are about to be applied. From
    /// now on a version read from the volume below it is cached as valid through its read point only.
    /// </summary>
    public void BeginReplicaApply(Lsn commit)
    {
        Volatile.Write(ref _replicaApplying, commit.Value);
        Interlocked.MemoryBarrier();
    }

    /// <summary>
    /// Replica: applies one record of the writer's redo stream. A cached open-ended version of the page that the
    /// record was computed against gets the delta applied as a new version at <paramref name="lsn"/>; any other
    /// open-ended version is closed at <c>lsn - 1</c> (a later read goes to the volume); an uncached page is left
    /// alone (a read in flight is covered by <see cref="BeginReplicaApply"/>).
    /// </summary>
    /// <returns>True when a new version was added.</returns>
    public bool ApplyReplicated(uint page, Lsn previous, Lsn lsn, ReadOnlySpan<byte> delta)
    {
        var entry = GetEntry(page);
        if (entry is null)
            return false;
        bool added = false;
        lock (entry)
        {
            if (entry.Dead)
                return false;
            int open = -1;
            for (int i = 0; i < entry.Count; i++)
            {
                if (entry.Versions[i].ValidThrough == Lsn.MaxValue)
                    open = i;
            }
            byte[]? image = null;
            if (open >= 0 && entry.Versions[open].Lsn == previous)
            {
                image = PagePool.Rent(_pageSize);
                entry.Versions[open].Buffer.AsSpan(0, _pageSize).CopyTo(image);
                if (!PageDelta.TryApply(delta, image.AsSpan(0, _pageSize)))
                {
                    PagePool.Return(image);
                    image = null;
                }
            }
            entry.NewestPublished = lsn;
            var closed = new Lsn(lsn.Value - 1);
            for (int i = 0; i < entry.Count; i++)
            {
                ref var v = ref entry.Versions[i];
                if (v.ValidThrough > closed)
                    v.ValidThrough = closed;
            }
            if (image is not null)
            {
                entry.Add(new PageVersion { Lsn = lsn, ValidThrough = Lsn.MaxValue, Buffer = image, Referenced = true });
                added = true;
            }
        }
        if (added)
        {
            Interlocked.Add(ref _bytes, _pageSize);
            Interlocked.Increment(ref _versions);
        }
        return added;
    }

    /// <summary>Drops the superseded versions of <paramref name="page"/> that no read point in <paramref name="readPoints"/> can read.</summary>
    public void ReleaseObsolete(uint page, ReadPointSet readPoints)
    {
        var entry = GetEntry(page);
        if (entry is null)
            return;
        int freed = 0;
        lock (entry)
        {
            for (int i = entry.Count - 1; i >= 0; i--)
            {
                ref var v = ref entry.Versions[i];
                if (!readPoints.AnyWithin(v.Lsn, v.ValidThrough))
                {
                    PagePool.Return(entry.RemoveAt(i));
                    freed++;
                }
            }
        }
        if (freed > 0)
            Removed(freed);
    }

    /// <summary>Brings the cache back within its budget if it is over.</summary>
    public void EnforceBudget()
    {
        if (Volatile.Read(ref _bytes) > _budget)
            Evict();
    }

    void Added()
    {
        Interlocked.Increment(ref _versions);
        if (Interlocked.Add(ref _bytes, _pageSize) > _budget)
            Evict();
    }

    void Removed(int count)
    {
        Interlocked.Add(ref _versions, -count);
        Interlocked.Add(ref _bytes, -(long)count * _pageSize);
    }

    void Evict()
    {
        lock (_evictLock)
        {
            if (Volatile.Read(ref _bytes) <= _budget)
                return;
            var readPoints = _evictionReadPoints;
            _collectReadPoints(readPoints);
            Lsn oldest = readPoints.Oldest;
            uint max = Volatile.Read(ref _maxPage);
            // Two laps are always enough: the first clears every reference bit it does not evict.
            long steps = 3L * max + 3;
            uint hand = _hand;
            while (Volatile.Read(ref _bytes) > _evictTarget && steps-- > 0)
            {
                uint page = hand;
                hand = hand >= max ? 1 : hand + 1;
                var entry = GetEntry(page);
                if (entry is null)
                    continue;
                int freed = 0;
                lock (entry)
                {
                    for (int i = entry.Count - 1; i >= 0; i--)
                    {
                        ref var v = ref entry.Versions[i];
                        if (!v.Referenced || !readPoints.AnyWithin(v.Lsn, v.ValidThrough))
                        {
                            PagePool.Return(entry.RemoveAt(i));
                            freed++;
                        }
                        else
                        {
                            v.Referenced = false;
                        }
                    }
                    // An empty entry is unlinked once no read point can predate its newest commit: a later miss
                    // then reads the newest version, so forgetting NewestPublished is safe. This bounds the
                    // per-page bookkeeping by the pages cached, not the pages ever touched.
                    if (entry.Count == 0 && entry.NewestPublished <= oldest)
                    {
                        entry.Dead = true;
                        ref var slot = ref _chunks[page >> ChunkBits]![page & ChunkMask];
                        Interlocked.CompareExchange(ref slot, null, entry);
                    }
                }
                if (freed > 0)
                {
                    Removed(freed);
                    Interlocked.Add(ref _evictions, freed);
                }
            }
            _hand = hand;
        }
    }

    PageEntry? GetEntry(uint page)
    {
        var chunk = Volatile.Read(ref _chunks[page >> ChunkBits]);
        return chunk is null ? null : Volatile.Read(ref chunk[page & ChunkMask]);
    }

    PageEntry GetOrCreateEntry(uint page)
    {
        if (page > MaxPage)
            throw new ArgumentOutOfRangeException(nameof(page), page, "The page number is beyond the cache's range.");
        ref var chunkSlot = ref _chunks[page >> ChunkBits];
        var chunk = Volatile.Read(ref chunkSlot);
        if (chunk is null)
        {
            var created = new PageEntry?[ChunkSize];
            chunk = Interlocked.CompareExchange(ref chunkSlot, created, null) ?? created;
        }
        ref var slot = ref chunk[page & ChunkMask];
        var entry = Volatile.Read(ref slot);
        if (entry is not null)
            return entry;
        var fresh = new PageEntry();
        entry = Interlocked.CompareExchange(ref slot, fresh, null) ?? fresh;
        uint max;
        while ((max = Volatile.Read(ref _maxPage)) < page && Interlocked.CompareExchange(ref _maxPage, page, max) != max)
        {
        }
        return entry;
    }
}
