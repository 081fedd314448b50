using System.Buffers;
using System.Buffers.Binary;

namespace Borealis.Common.Redo;

/// <summary>
/// Byte-range deltas between two versions of a page: a one-row insert ships the few dozen bytes it changed,
/// not the whole page. Format: a sequence of runs in increasing offset order, little-endian:
/// <list type="bullet">
/// <item>literal: <c>u16 offset, u16 length, length bytes</c> (length 1–32768);</item>
/// <item>copy: <c>u16 offset, u16 0x8000 | length, u16 source</c> (length 1–32767): the bytes at
/// <c>source</c> of the page as it was <em>before</em> this delta. An insert into a B-tree page shifts its cell
/// pointer array by 2 bytes; a copy ships that shift in 6 bytes instead of the whole tail of the array.</item>
/// </list>
/// An empty delta means "no change". Pages up to 64 KiB are supported. (0x8000 alone is a literal of 32768 bytes,
/// as before copies existed.)
/// </summary>
public static class PageDelta
{
    /// <summary>Bytes of header per run.</summary>
    public const int RunHeader = 4;

    /// <summary>The longest run; a longer change is split.</summary>
    public const int MaxRun = 32768;

    /// <summary>Equal stretches shorter than this inside a change are shipped rather than split into two runs.</summary>
    const int MergeGap = RunHeader * 2;

    /// <summary>Bytes of header of a copy run.</summary>
    const int CopyHeader = 6;

    /// <summary>The flag that marks a copy run in the length field.</summary>
    const int CopyFlag = 0x8000;

    /// <summary>The longest copy run.</summary>
    const int MaxCopy = 0x7FFF;

    /// <summary>A shifted stretch shorter than this ships as literal bytes.</summary>
    const int MinCopy = 16;

    /// <summary>The shifts looked for: one or two cell pointers inserted or removed.</summary>
    static ReadOnlySpan<int> Shifts => [2, -2, 4, -4];

    /// <summary>Writes the delta that turns <paramref name="before"/> into <paramref name="after"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int Compute(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, IBufferWriter<byte> output)
    {
        if (before.Length != after.Length)
            throw new ArgumentException("Both versions of a page must have the same size.", nameof(after));
        if (after.Length > ushort.MaxValue + 1)
            throw new ArgumentException("Pages larger than 64 KiB are not supported.", nameof(after));

        int written = 0;
        int i = 0;
        int n = after.Length;
        while (i < n)
        {
            i += before[i..].CommonPrefixLength(after[i..]);
            if (i >= n)
                break;

            // i is the first differing byte: a shifted stretch of the old page, or literal bytes up to an equal
            // stretch of MergeGap bytes, a shifted stretch, or the end.
            var (source, shifted) = FindShift(before, after, i);
            if (shifted >= MinCopy)
            {
                written += WriteCopy(i, source, shifted, output);
                i += shifted;
                continue;
            }
            int end = i + 1;
            while (end < n)
            {
                if (before[end] != after[end])
                {
                    if (FindShift(before, after, end).Length >= MinCopy)
                        break;
                    end++;
                    continue;
                }
                int same = before[end..].CommonPrefixLength(after[end..]);
                if (same >= MergeGap || end + same >= n)
                    break;
                end += same;
            }

            written += WriteRuns(after, i, end - i, output);
            i = end;
        }
        return written;
    }

    /// <summary>
    /// The longest stretch of <paramref name="after"/> from <paramref name="at"/> that equals <paramref name="before"/>
    /// shifted by one of <see cref="Shifts"/>, and where it starts in <paramref name="before"/>.
    /// </summary>
    static (int Source, int Length) FindShift(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int at)
    {
        int n = after.Length;
        (int Source, int Length) best = (0, 0);
        foreach (int shift in Shifts)
        {
            int source = at - shift;
            // Two bytes compared inline first: most positions match no shift, and this keeps new pages cheap.
            if (source < 0 || source + 1 >= n || at + 1 >= n || before[source] != after[at] || before[source + 1] != after[at + 1])
                continue;
            int length = Math.Min(before[source..].CommonPrefixLength(after[at..]), MaxCopy);
            if (length > best.Length)
                best = (source, length);
        }
        return best;
    }

    static int WriteCopy(int offset, int source, int length, IBufferWriter<byte> output)
    {
        Span<byte> span = output.GetSpan(CopyHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)offset);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(CopyFlag | length));
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], (ushort)source);
        output.Advance(CopyHeader);
        return CopyHeader;
    }

    /// <summary>Writes <paramref name="image"/> whole, as a delta against an all-zero page.</summary>
    public static int ComputeFull(ReadOnlySpan<byte> image, IBufferWriter<byte> output)
    {
        return WriteRuns(image, 0, image.Length, output);
    }

    static int WriteRuns(ReadOnlySpan<byte> source, int offset, int length, IBufferWriter<byte> output)
    {
        int written = 0;
        while (length > 0)
        {
            int run = Math.Min(length, MaxRun);
            Span<byte> span = output.GetSpan(RunHeader + run);
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)offset);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)run);
            source.Slice(offset, run).CopyTo(span[RunHeader..]);
            output.Advance(RunHeader + run);
            written += RunHeader + run;
            offset += run;
            length -= run;
        }
        return written;
    }

    /// <summary>Applies <paramref name="delta"/> to <paramref name="page"/> in place.</summary>
    /// <returns>False when the delta is malformed (a run past the page end or a truncated header); the page may then be partly changed.</returns>
    public static bool TryApply(ReadOnlySpan<byte> delta, Span<byte> page)
    {
        if (!HasCopies(delta, page.Length))
            return TryApply(delta, page, default);
        // Copies read the page as it was before the delta.
        byte[] original = ArrayPool<byte>.Shared.Rent(page.Length);
        try
        {
            page.CopyTo(original);
            return TryApply(delta, page, original.AsSpan(0, page.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(original);
        }
    }

    static bool TryApply(ReadOnlySpan<byte> delta, Span<byte> page, ReadOnlySpan<byte> original)
    {
        while (!delta.IsEmpty)
        {
            if (!TryReadRun(ref delta, page.Length, out int offset, out int length, out int source, out var literal))
                return false;
            if (source < 0)
                literal.CopyTo(page[offset..]);
            else if (original.IsEmpty)
                return false;
            else
                original.Slice(source, length).CopyTo(page[offset..]);
        }
        return true;
    }

    /// <summary>Whether every run of <paramref name="delta"/> is whole and stays inside a page of <paramref name="pageSize"/> bytes.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> delta, int pageSize)
    {
        while (!delta.IsEmpty)
        {
            if (!TryReadRun(ref delta, pageSize, out _, out _, out _, out _))
                return false;
        }
        return true;
    }

    /// <summary>Whether the delta has a copy run before any malformed one (applying a malformed one fails anyway).</summary>
    static bool HasCopies(ReadOnlySpan<byte> delta, int pageSize)
    {
        while (!delta.IsEmpty)
        {
            if (!TryReadRun(ref delta, pageSize, out _, out _, out int source, out _))
                return false;
            if (source >= 0)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Reads the run at the front of <paramref name="delta"/> and moves past it: a literal (<paramref name="source"/>
    /// -1, its bytes in <paramref name="literal"/>) or a copy. False when it is truncated or leaves the page.
    /// </summary>
    static bool TryReadRun(ref ReadOnlySpan<byte> delta, int pageSize, out int offset, out int length, out int source, out ReadOnlySpan<byte> literal)
    {
        offset = length = 0;
        source = -1;
        literal = default;
        if (delta.Length < RunHeader)
            return false;
        offset = BinaryPrimitives.ReadUInt16LittleEndian(delta);
        length = BinaryPrimitives.ReadUInt16LittleEndian(delta[2..]);
        if (length > CopyFlag)
        {
            length &= MaxCopy;
            if (delta.Length < CopyHeader)
                return false;
            source = BinaryPrimitives.ReadUInt16LittleEndian(delta[4..]);
            delta = delta[CopyHeader..];
            return offset + length <= pageSize && source + length <= pageSize;
        }
        if (delta.Length < RunHeader + length)
            return false;
        literal = delta.Slice(RunHeader, length);
        delta = delta[(RunHeader + length)..];
        return offset + length <= pageSize;
    }

    /// <summary>Applies a delta known to be well formed (it was checksummed); a malformed one is an invariant breach.</summary>
    public static void Apply(ReadOnlySpan<byte> delta, Span<byte> page)
    {
        if (!TryApply(delta, page))
            throw new InvalidDataException("Malformed page delta.");
    }
}
