using System.Buffers.Binary;
using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Files;

/// <summary>
/// Byte layout of log files (little-endian): the node log (<c>log-N</c>, frames of every segment the node hosts, so
/// that one fsync makes an append durable whatever groups it touches) and the per-segment logs of earlier versions
/// (<c>seg-G.log-N</c>, read once at open and moved into the node log).
/// <para>File header, <see cref="HeaderSize"/> bytes: u64 magic "BORSLOG1", u32 format version, u32 group
/// (<see cref="NodeLogGroup"/> in the node log), u64 file number, u64 XXH64 of the 24 bytes before it.</para>
/// <para>Frame, one <see cref="SegmentFrame"/>: u32 frame length (all of it, checksum included), u16 frame version,
/// u16 0, u32 group, u32 page count, u64 epoch, u64 first LSN, u64 backlink, u64 commit, u64 known durable LSN,
/// u32 page count at known durable, u32 record count; then per record u32 page, u32 delta length, u64 previous LSN,
/// the delta bytes; then u64 XXH64 of every byte of the frame before it. The "known durable" pair is the node's
/// <c>KnownDurable</c> when the frame was written (persisted with the log, lazily).</para>
/// <para>Reset marker (node log only): a frame header with version 2, the group, every other field 0 and no
/// records, then its XXH64: the group's frames before it in the node log are dead (the segment was deleted).</para>
/// </summary>
internal static class SegmentLog
{
    const ulong Magic = 0x31474F4C53524F42; // "BORSLOG1"
    const uint FileVersion = 1;
    public const int HeaderSize = 32;

    /// <summary>The group field of a node log's header: its frames belong to any group.</summary>
    public const uint NodeLogGroup = uint.MaxValue;

    const ushort FrameVersion = 1;
    const ushort ResetVersion = 2;
    public const int FrameHeaderSize = 64;
    const int RecordHeaderSize = 16;
    const int TrailerSize = 8;
    const int MaxFrameSize = 1 << 30;

    public static byte[] EncodeHeader(uint group, ulong number)
    {
        var bytes = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), FileVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), group);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), number);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), StorageChecksum.Compute(bytes.AsSpan(0, 24)));
        return bytes;
    }

    public static bool IsValidHeader(ReadOnlySpan<byte> bytes, uint group, ulong number) =>
        bytes.Length >= HeaderSize
        && BinaryPrimitives.ReadUInt64LittleEndian(bytes) == Magic
        && BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) == FileVersion
        && BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) == group
        && BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]) == number
        && BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]) == StorageChecksum.Compute(bytes[..24]);

    /// <summary>The frame's bytes, sealed.</summary>
    public static byte[] Encode(SegmentFrame frame, Lsn knownDurable, uint pageCountAtKnownDurable)
    {
        long size = FrameHeaderSize + TrailerSize;
        foreach (var record in frame.Records)
            size += RecordHeaderSize + record.Delta.Length;
        if (size > MaxFrameSize)
            throw new ArgumentException($"A frame is at most {MaxFrameSize} bytes.", nameof(frame));
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FrameVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], frame.Group);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], frame.PageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], frame.Epoch.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], frame.First.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], frame.Backlink.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], frame.Commit.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[48..], knownDurable.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(span[56..], pageCountAtKnownDurable);
        BinaryPrimitives.WriteUInt32LittleEndian(span[60..], (uint)frame.Records.Length);
        int at = FrameHeaderSize;
        foreach (var record in frame.Records)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], record.Page.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], (uint)record.Delta.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], record.PreviousLsn.Value);
            at += RecordHeaderSize;
            record.Delta.Span.CopyTo(span[at..]);
            at += record.Delta.Length;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], StorageChecksum.Compute(span[..at]));
        return bytes;
    }

    /// <summary>The reset marker of <paramref name="group"/>: its frames written before it are dead.</summary>
    public static byte[] EncodeReset(uint group)
    {
        var bytes = new byte[FrameHeaderSize + TrailerSize];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], ResetVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], group);
        BinaryPrimitives.WriteUInt64LittleEndian(span[FrameHeaderSize..], StorageChecksum.Compute(span[..FrameHeaderSize]));
        return bytes;
    }

    /// <summary>Whether <paramref name="frame"/> is exactly one frame whose checksum matches.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> frame) =>
        frame.Length >= FrameHeaderSize + TrailerSize
        && BinaryPrimitives.ReadUInt32LittleEndian(frame) == frame.Length
        && BinaryPrimitives.ReadUInt64LittleEndian(frame[^TrailerSize..]) == StorageChecksum.Compute(frame[..^TrailerSize]);

    /// <summary>
    /// Decodes the frame at the start of <paramref name="data"/> (the record deltas point into a copy).
    /// </summary>
    /// <returns>The frame's length, or 0 when there is no complete, checksummed, well-formed frame there.</returns>
    public static int TryDecode(ReadOnlySpan<byte> data, uint group, out SegmentFrame? frame, out Lsn knownDurable, out uint pageCountAtKnownDurable)
    {
        int length = TryDecodeEntry(data, out frame, out _, out knownDurable, out pageCountAtKnownDurable);
        if (frame is null || frame.Group != group)
        {
            frame = null;
            return 0;
        }
        return length;
    }

    /// <summary>
    /// Decodes the entry at the start of <paramref name="data"/>: a frame of any group (<paramref name="frame"/>
    /// set) or a reset marker (<paramref name="frame"/> null, <paramref name="resetGroup"/> its group).
    /// </summary>
    /// <returns>The entry's length, or 0 when there is no complete, checksummed, well-formed entry there.</returns>
    public static int TryDecodeEntry(ReadOnlySpan<byte> data, out SegmentFrame? frame, out uint resetGroup, out Lsn knownDurable, out uint pageCountAtKnownDurable)
    {
        frame = null;
        resetGroup = 0;
        knownDurable = Lsn.Zero;
        pageCountAtKnownDurable = 0;
        if (data.Length < FrameHeaderSize + TrailerSize)
            return 0;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length < FrameHeaderSize + TrailerSize || length > MaxFrameSize || length > data.Length)
            return 0;
        var span = data[..(int)length];
        if (!IsIntact(span))
            return 0;
        uint group = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
        if (version == ResetVersion && length == FrameHeaderSize + TrailerSize && group != NodeLogGroup)
        {
            resetGroup = group;
            return (int)length;
        }
        if (version != FrameVersion)
            return 0;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span[60..]);
        if (count == 0)
            return 0;
        var copy = span.ToArray();
        var records = ImmutableArray.CreateBuilder<RedoRecord>((int)Math.Min(count, 1 << 16));
        int body = copy.Length - TrailerSize;
        int at = FrameHeaderSize;
        for (uint i = 0; i < count; i++)
        {
            if (at + RecordHeaderSize > body)
                return 0;
            var page = new PageId(BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)));
            uint deltaLength = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at + 4));
            var previous = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(copy.AsSpan(at + 8)));
            at += RecordHeaderSize;
            if (deltaLength > (uint)(body - at))
                return 0;
            records.Add(new RedoRecord(page, previous, copy.AsMemory(at, (int)deltaLength)));
            at += (int)deltaLength;
        }
        if (at != body)
            return 0;
        frame = new SegmentFrame(
            group,
            new VolumeEpoch(BinaryPrimitives.ReadUInt64LittleEndian(span[16..])),
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(span[24..])),
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(span[32..])),
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(span[40..])),
            BinaryPrimitives.ReadUInt32LittleEndian(span[12..]),
            records.DrainToImmutable());
        knownDurable = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(span[48..]));
        pageCountAtKnownDurable = BinaryPrimitives.ReadUInt32LittleEndian(span[56..]);
        return (int)length;
    }
}
