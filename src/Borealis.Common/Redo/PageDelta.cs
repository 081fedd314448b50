using System.Buffers;
using System.Buffers.Binary;

namespace Borealis.Common.Redo;

/// <summary>
/// Byte-range deltas between two versions of a page: a one-row insert ships the few dozen bytes it changed,
/// not the whole page. Format: a sequence of runs, each <c>u16 offset, u16 length, length bytes</c>
/// (little-endian), in increasing offset order. An empty delta means "no change". Runs never exceed
/// <see cref="MaxRun"/> bytes, so pages up to 64 KiB are supported.
/// </summary>
public static class PageDelta
{
    /// <summary>Bytes of header per run.</summary>
    public const int RunHeader = 4;

    /// <summary>The longest run; a longer change is split.</summary>
    public const int MaxRun = 32768;

    /// <summary>Equal stretches shorter than this inside a change are shipped rather than split into two runs.</summary>
    const int MergeGap = RunHeader * 2;

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

            // i is the first differing byte; extend the run until an equal stretch of MergeGap bytes (or the end).
            int end = i + 1;
            while (end < n)
            {
                if (before[end] != after[end])
                {
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
        while (!delta.IsEmpty)
        {
            if (delta.Length < RunHeader)
                return false;
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(delta);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(delta[2..]);
            if (delta.Length < RunHeader + length || offset + length > page.Length)
                return false;
            delta.Slice(RunHeader, length).CopyTo(page[offset..]);
            delta = delta[(RunHeader + length)..];
        }
        return true;
    }

    /// <summary>Applies a delta known to be well formed (it was checksummed); a malformed one is an invariant breach.</summary>
    public static void Apply(ReadOnlySpan<byte> delta, Span<byte> page)
    {
        if (!TryApply(delta, page))
            throw new InvalidDataException("Malformed page delta.");
    }
}
