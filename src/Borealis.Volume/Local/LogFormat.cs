using System.Buffers.Binary;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume.Local;

/// <summary>
/// Byte layout of log segments (little-endian throughout).
/// <para>Segment header, <see cref="SegmentHeaderSize"/> bytes: u64 magic "BORLOG01", u32 format version, u32 0,
/// u64 segment number, u64 first LSN the segment continues from, 16 bytes volume id, u64 0, u64 XXH64 of the bytes before it.</para>
/// <para>Frame (one batch): u32 frame length (all of it, checksum included), u16 frame version, u16 0, u64 first LSN,
/// u64 commit LSN, u32 page count, u32 record count; then per record u32 page, u32 delta length, u64 previous LSN,
/// the delta bytes; then u64 XXH64 of every byte of the frame before it.</para>
/// </summary>
internal static class LogFormat
{
    public const ulong SegmentMagic = 0x31304F474C524F42; // "BORLOG01"
    public const uint SegmentVersion = 1;
    public const int SegmentHeaderSize = SealedBlock.Size;

    public const ushort FrameVersion = 1;
    public const int FrameHeaderSize = 32;
    public const int RecordHeaderSize = 16;
    public const int FrameTrailerSize = 8;
    public const int MaxFrameSize = 1 << 30;

    public static void WriteSegmentHeader(Span<byte> header, ulong number, Lsn firstLsn, Guid volumeId)
    {
        SealedBlock.Begin(header, SegmentMagic, SegmentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], number);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], firstLsn.Value);
        volumeId.TryWriteBytes(header[32..48]);
        SealedBlock.Seal(header);
    }

    /// <summary>Reads a segment header; false when it is torn, corrupt or belongs to another volume or number.</summary>
    public static bool TryReadSegmentHeader(ReadOnlySpan<byte> header, ulong number, Guid volumeId, out Lsn firstLsn)
    {
        firstLsn = Lsn.Zero;
        if (header.Length < SegmentHeaderSize
            || !SealedBlock.IsValid(header, SegmentMagic, SegmentVersion)
            || BinaryPrimitives.ReadUInt64LittleEndian(header[16..]) != number
            || new Guid(header[32..48]) != volumeId)
        {
            return false;
        }
        firstLsn = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(header[24..]));
        return true;
    }

    /// <summary>The size of the frame that holds <paramref name="batch"/>.</summary>
    public static int FrameSize(RedoBatch batch)
    {
        long size = FrameHeaderSize + FrameTrailerSize;
        foreach (var record in batch.Records)
            size += RecordHeaderSize + record.Delta.Length;
        if (size > MaxFrameSize)
            throw new ArgumentException($"A batch is at most {MaxFrameSize} bytes of redo.", nameof(batch));
        return (int)size;
    }

    /// <summary>Encodes a batch without its checksum (see <see cref="Seal"/>); returns each delta's offset in the frame.</summary>
    public static void Encode(RedoBatch batch, Lsn first, Lsn commit, Span<byte> frame, Span<int> deltaOffsets)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)frame.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[4..], FrameVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[6..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[8..], first.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[16..], commit.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[24..], batch.PageCount);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[28..], (uint)batch.Records.Count);
        int at = FrameHeaderSize;
        for (int i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            BinaryPrimitives.WriteUInt32LittleEndian(frame[at..], record.Page.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(frame[(at + 4)..], (uint)record.Delta.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(frame[(at + 8)..], record.PreviousLsn.Value);
            at += RecordHeaderSize;
            deltaOffsets[i] = at;
            record.Delta.Span.CopyTo(frame[at..]);
            at += record.Delta.Length;
        }
    }

    /// <summary>Writes the frame's checksum into its trailer.</summary>
    public static void Seal(Span<byte> frame)
    {
        int body = frame.Length - FrameTrailerSize;
        BinaryPrimitives.WriteUInt64LittleEndian(frame[body..], Checksum.Compute(frame[..body]));
    }

    /// <summary>
    /// Checks the frame at the start of <paramref name="data"/>: complete, checksummed and well formed.
    /// </summary>
    /// <returns>The frame's length, or 0 when there is no valid frame there (a torn or corrupt tail).</returns>
    public static int TryReadFrame(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < FrameHeaderSize + FrameTrailerSize)
            return 0;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length < FrameHeaderSize + FrameTrailerSize || length > MaxFrameSize || length > data.Length)
            return 0;
        var frame = data[..(int)length];
        int body = frame.Length - FrameTrailerSize;
        if (BinaryPrimitives.ReadUInt64LittleEndian(frame[body..]) != Checksum.Compute(frame[..body]))
            return 0;
        if (BinaryPrimitives.ReadUInt16LittleEndian(frame[4..]) != FrameVersion)
            return 0;
        var first = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(frame[8..]));
        var commit = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(frame[16..]));
        uint pageCount = BinaryPrimitives.ReadUInt32LittleEndian(frame[24..]);
        uint records = BinaryPrimitives.ReadUInt32LittleEndian(frame[28..]);
        if (records == 0 || first.Value == 0 || commit.Value - first.Value != records - 1)
            return 0;
        // The records must fill the frame exactly.
        int at = FrameHeaderSize;
        for (uint i = 0; i < records; i++)
        {
            if (at + RecordHeaderSize > body)
                return 0;
            uint deltaLength = BinaryPrimitives.ReadUInt32LittleEndian(frame[(at + 4)..]);
            if (deltaLength > (uint)(body - at - RecordHeaderSize))
                return 0;
            at += RecordHeaderSize + (int)deltaLength;
        }
        if (at != body)
            return 0;
        header = new FrameHeader(first, commit, pageCount, (int)records);
        return (int)length;
    }

    /// <summary>Reads record <c>i</c>'s header at <paramref name="at"/> of a frame checked by <see cref="TryReadFrame"/>.</summary>
    public static (PageId Page, Lsn Previous, int DeltaOffset, int DeltaLength) ReadRecord(ReadOnlySpan<byte> frame, int at)
    {
        var page = new PageId(BinaryPrimitives.ReadUInt32LittleEndian(frame[at..]));
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(at + 4)..]);
        var previous = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(frame[(at + 8)..]));
        return (page, previous, at + RecordHeaderSize, length);
    }
}
