using Borealis.Common;

namespace Borealis.Engine.Cache;

/// <summary>
/// The read points that may read the cache right now: every pinned read point plus the newest commit (where new
/// read points start). A superseded page version that covers none of them is garbage. Not thread-safe: each user
/// owns its set.
/// </summary>
internal sealed class ReadPointSet
{
    readonly List<ulong> _points = [];

    public Lsn Oldest => _points.Count == 0 ? Lsn.Zero : new Lsn(_points[0]);

    public void Clear() => _points.Clear();

    public void Add(Lsn point) => _points.Add(point.Value);

    /// <summary>Call after the last <see cref="Add"/>.</summary>
    public void Seal() => _points.Sort();

    /// <summary>True when some read point lies in [<paramref name="from"/>, <paramref name="through"/>].</summary>
    public bool AnyWithin(Lsn from, Lsn through)
    {
        if (through == Lsn.MaxValue)
            return true;
        int index = _points.BinarySearch(from.Value);
        if (index >= 0)
            return true;
        index = ~index;
        return index < _points.Count && _points[index] <= through.Value;
    }
}
