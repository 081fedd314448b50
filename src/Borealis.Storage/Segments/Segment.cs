using Borealis.Common;
using Borealis.Storage.Files;

namespace Borealis.Storage.Segments;

/// <summary>
/// One segment's state in memory: its base (the checkpoint or hydration position and the index of its images),
/// the frames above the base (with a per-page index of their records), the SCL, and its gossip bookkeeping. The
/// node core owns the files; this class only keeps the chain and the indexes consistent.
/// </summary>
internal sealed class Segment(uint group)
{
    /// <summary>Removing this many frames at once rebuilds the indexes instead of removing one by one.</summary>
    const int RebuildThreshold = 16;

    readonly SortedList<ulong, StoredFrame> _frames = [];
    readonly Dictionary<ulong, StoredFrame> _byBacklink = [];
    readonly Dictionary<PageId, SortedList<ulong, ReadOnlyMemory<byte>>> _records = [];

    /// <summary>Frames whose backlink is indexed to another frame with the same backlink (only across epochs).</summary>
    int _unindexedBacklinks;

    public uint Group { get; } = group;

    /// <summary>The chain position the images are at; frames are kept above it.</summary>
    public Lsn Base { get; private set; }

    /// <summary>The checkpoint file's images (empty without one), in page order.</summary>
    public SortedList<PageId, ImageEntry> Images { get; private set; } = [];

    public IStorageFile? Checkpoint { get; set; }

    /// <summary>Bytes of the frames held above the base (their bytes in the node log).</summary>
    public long LogBytes { get; private set; }

    public long CheckpointBytes => Checkpoint?.Length ?? 0;

    /// <summary>Log bytes at which the next checkpoint attempt is made.</summary>
    public long NextCheckpointAt { get; set; }

    public Lsn Scl { get; private set; }

    public Lsn MaxLsn => _frames.Count == 0 ? Base : Lsn.Max(Base, _frames.Values[^1].Frame.Last);

    public int FrameCount => _frames.Count;

    public IList<StoredFrame> Frames => _frames.Values;

    /// <summary>No data and no base: created by a map or reset, waiting to learn from peers.</summary>
    public bool Fresh { get; set; }

    /// <summary>The highest SCL a peer reported.</summary>
    public Lsn PeerScl { get; set; }

    /// <summary>Data was cut (torn tail, damaged frame): ask peers until one shows nothing is missing.</summary>
    public bool RepairWanted { get; set; }

    public int PeerCursor { get; set; }

    /// <summary>The correlation of the request in flight for this segment (0: none).</summary>
    public long Pending { get; set; }

    public Hydration? Hydration { get; set; }

    public string State => Hydration is not null || Fresh ? "hydrating" : RepairWanted || Scl < MaxLsn || PeerScl > Scl ? "repairing" : "healthy";

    public bool Contains(Lsn first) => _frames.ContainsKey(first.Value);

    /// <summary>Adds a frame above the base (the caller checked it is new) and advances the SCL.</summary>
    public void Add(StoredFrame stored)
    {
        Index(stored);
        Count(stored, 1);
        AdvanceScl();
    }

    void Count(StoredFrame stored, int sign)
    {
        stored.File.LiveFrames += sign;
        LogBytes += sign * stored.Length;
    }

    /// <summary>Adds a frame to the three indexes (the SCL is the caller's).</summary>
    void Index(StoredFrame stored)
    {
        var frame = stored.Frame;
        _frames.Add(frame.First.Value, stored);
        if (!_byBacklink.TryAdd(frame.Backlink.Value, stored))
            _unindexedBacklinks++;
        for (int i = 0; i < frame.Records.Length; i++)
        {
            var record = frame.Records[i];
            if (!_records.TryGetValue(record.Page, out var versions))
                _records[record.Page] = versions = [];
            versions[frame.First.Value + (ulong)i] = record.Delta;
        }
    }

    /// <summary>Removes frames (the caller recomputes the SCL with <see cref="RecomputeScl"/>).</summary>
    public void Remove(StoredFrame stored)
    {
        var frame = stored.Frame;
        if (!_frames.Remove(frame.First.Value))
            return;
        Count(stored, -1);
        if (_byBacklink.TryGetValue(frame.Backlink.Value, out var linked) && linked == stored)
        {
            _byBacklink.Remove(frame.Backlink.Value);
            // Another frame with the same backlink (possible only across epochs) takes its place. Only when there
            // is such a frame at all: the scan made every removal O(frames), a checkpoint's removals O(frames²).
            if (_unindexedBacklinks > 0)
            {
                foreach (var other in _frames.Values)
                {
                    if (other.Frame.Backlink == frame.Backlink)
                    {
                        _byBacklink[frame.Backlink.Value] = other;
                        _unindexedBacklinks--;
                        break;
                    }
                }
            }
        }
        else
        {
            _unindexedBacklinks--;
        }
        for (int i = 0; i < frame.Records.Length; i++)
        {
            var page = frame.Records[i].Page;
            if (_records.TryGetValue(page, out var versions))
            {
                versions.Remove(frame.First.Value + (ulong)i);
                if (versions.Count == 0)
                    _records.Remove(page);
            }
        }
    }

    public void RemoveWhere(Func<StoredFrame, bool> predicate)
    {
        RemoveAll(predicate);
        RecomputeScl();
    }

    /// <summary>
    /// Removes every frame the predicate selects. Many removals (a checkpoint drops thousands of frames) rebuild
    /// the indexes from the frames kept, in one pass, instead of shifting the sorted list once per frame.
    /// </summary>
    void RemoveAll(Func<StoredFrame, bool> predicate)
    {
        var kept = new List<StoredFrame>();
        var removed = new List<StoredFrame>();
        foreach (var stored in _frames.Values)
            (predicate(stored) ? removed : kept).Add(stored);
        if (removed.Count < RebuildThreshold)
        {
            foreach (var stored in removed)
                Remove(stored);
            return;
        }
        foreach (var stored in removed)
            Count(stored, -1);
        _frames.Clear();
        _byBacklink.Clear();
        _records.Clear();
        _unindexedBacklinks = 0;
        foreach (var stored in kept)
            Index(stored);
    }

    /// <summary>Installs a new base (checkpoint or hydration) and drops the frames at or below it.</summary>
    public void SetBase(Lsn position, SortedList<PageId, ImageEntry> images)
    {
        Base = position;
        Images = images;
        RemoveAll(f => f.Frame.Last <= position);
        RecomputeScl();
    }

    public void RecomputeScl()
    {
        Scl = Base;
        AdvanceScl();
    }

    void AdvanceScl()
    {
        while (_byBacklink.TryGetValue(Scl.Value, out var next))
            Scl = next.Frame.Last;
    }

    /// <summary>The highest chain position (a frame's Last on the chain from the base, or the base) at or below <paramref name="target"/>.</summary>
    public Lsn ChainPositionAtOrBelow(Lsn target)
    {
        var position = Base;
        while (_byBacklink.TryGetValue(position.Value, out var next) && next.Frame.Last <= target)
            position = next.Frame.Last;
        return position;
    }

    /// <summary>The page's records above the base with LSN ≤ <paramref name="asOf"/>, in LSN order.</summary>
    public IEnumerable<(Lsn Lsn, ReadOnlyMemory<byte> Delta)> RecordsOf(PageId page, Lsn asOf)
    {
        if (!_records.TryGetValue(page, out var versions))
            yield break;
        foreach (var (lsn, delta) in versions)
        {
            if (lsn > asOf.Value)
                yield break;
            yield return (new Lsn(lsn), delta);
        }
    }

    /// <summary>Every page that has an image or a record at or below <paramref name="asOf"/>, in order.</summary>
    public List<PageId> PagesAt(Lsn asOf)
    {
        var pages = new SortedSet<PageId>(Images.Keys);
        foreach (var (page, versions) in _records)
        {
            if (versions.Count > 0 && versions.Keys[0] <= asOf.Value)
                pages.Add(page);
        }
        return [.. pages];
    }

    /// <summary>Index of the first stored frame with First above <paramref name="lsn"/>.</summary>
    public int IndexAfter(ulong lsn)
    {
        var keys = _frames.Keys;
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (keys[mid] <= lsn)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
