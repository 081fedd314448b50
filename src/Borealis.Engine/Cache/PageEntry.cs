using Borealis.Common;

namespace Borealis.Engine.Cache;

/// <summary>The cached versions of one page. Every field is guarded by locking the entry itself.</summary>
internal sealed class PageEntry
{
    public PageVersion[] Versions = new PageVersion[2];
    public int Count;

    /// <summary>The LSN of the newest version committed through this cache (zero: none since the database opened).</summary>
    public Lsn NewestPublished;

    /// <summary>
    /// Set when eviction unlinks the empty entry from the cache; a thread that still holds a reference must look the
    /// page up again rather than add a version here.
    /// </summary>
    public bool Dead;

    public void Add(in PageVersion version)
    {
        if (Count == Versions.Length)
            Array.Resize(ref Versions, Count * 2);
        Versions[Count++] = version;
    }

    /// <summary>Removes version <paramref name="index"/> (order is not kept) and returns its buffer.</summary>
    public byte[] RemoveAt(int index)
    {
        var buffer = Versions[index].Buffer;
        Versions[index] = Versions[--Count];
        Versions[Count] = default;
        return buffer;
    }
}
