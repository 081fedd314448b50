using System.Buffers.Binary;
using Borealis.Common;

namespace Borealis.Engine;

/// <summary>
/// One committed state of the database, as read points see it: its LSN, its size in pages, and the 16 header
/// bytes SQLite checks at the start of every read transaction (offsets 24..39 of page 1: change counter, page
/// count, freelist head and count), with the synthetic change counter in place.
/// </summary>
/// <remarks>
/// The change counter presented to SQLite increases by one per commit, so a connection's SQLite drops its page
/// cache exactly when its read point moves, and keeps it after its own commit (SQLite wrote counter + 1 itself).
/// </remarks>
internal sealed class Snapshot
{
    /// <summary>Offset in page 1 of the header bytes kept here.</summary>
    public const int HeaderOffset = 24;

    /// <summary>Length of the header bytes kept here.</summary>
    public const int HeaderLength = 16;

    readonly byte[] _header;

    public Snapshot(Lsn lsn, uint pageCount, uint changeCounter, ReadOnlySpan<byte> header, long sequence)
    {
        Lsn = lsn;
        PageCount = pageCount;
        ChangeCounter = changeCounter;
        Sequence = sequence;
        _header = header.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(_header, changeCounter);
    }

    public Lsn Lsn { get; }

    public uint PageCount { get; }

    public uint ChangeCounter { get; }

    /// <summary>Commits since the database opened.</summary>
    public long Sequence { get; }

    /// <summary>Page 1 bytes 24..39 as presented at this snapshot.</summary>
    public ReadOnlySpan<byte> Header => _header;

    /// <summary>
    /// Overwrites the change-counter fields (offsets 24..27 and 92..95) in a read of page 1 at
    /// <paramref name="offset"/>, with the counter plus <paramref name="salt"/> (a connection's, see MainFile).
    /// </summary>
    public void PatchPageOne(Span<byte> destination, int offset, uint salt = 0)
    {
        Span<byte> counter = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, unchecked(ChangeCounter + salt));
        Patch(destination, offset, 24, counter);
        Patch(destination, offset, 92, counter);
    }

    static void Patch(Span<byte> destination, int offset, int field, ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            int at = field + i - offset;
            if ((uint)at < (uint)destination.Length)
                destination[at] = value[i];
        }
    }
}
