using System.Buffers.Binary;
using Borealis.Common;

namespace Borealis.Storage.Files;

/// <summary>
/// Byte layout of a segment's checkpoint file: the page images of the group at one chain position.
/// <para>Header, <see cref="HeaderSize"/> bytes: u64 magic "BORSCKP1", u32 format version, u32 group, u64 as-of LSN
/// (the chain position C), u64 known durable LSN, u32 page count at known durable, u32 page size, u32 image count,
/// 12 bytes 0, u64 XXH64 of the 56 bytes before it.</para>
/// <para>Then image count entries in increasing page order, each <see cref="EntrySize"/> bytes: u32 page, u32 0,
/// u64 version (LSN of the last record applied), the image, u64 XXH64 of the entry's bytes before it.</para>
/// <para>Written as <c>.tmp</c>, fsynced, renamed over the old one, then the directory is fsynced.</para>
/// </summary>
internal static class CheckpointFile
{
    const ulong Magic = 0x31504B4353524F42; // "BORSCKP1"
    const uint Version = 1;
    public const int HeaderSize = 64;
    public const int EntryHeaderSize = 16;

    public static int EntrySize(int pageSize) => EntryHeaderSize + pageSize + 8;

    public static long EntryOffset(int index, int pageSize) => HeaderSize + (long)index * EntrySize(pageSize);

    public static byte[] EncodeHeader(uint group, Lsn asOf, Lsn knownDurable, uint pageCountAtKnownDurable, int pageSize, int count)
    {
        var bytes = new byte[HeaderSize];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], group);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], asOf.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], knownDurable.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], pageCountAtKnownDurable);
        BinaryPrimitives.WriteUInt32LittleEndian(span[36..], (uint)pageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)count);
        BinaryPrimitives.WriteUInt64LittleEndian(span[56..], StorageChecksum.Compute(span[..56]));
        return bytes;
    }

    public static bool TryDecodeHeader(ReadOnlySpan<byte> bytes, uint group, int pageSize, out CheckpointHeader header)
    {
        header = default;
        if (bytes.Length < HeaderSize
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) != Version
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) != group
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[36..]) != (uint)pageSize
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes[56..]) != StorageChecksum.Compute(bytes[..56]))
        {
            return false;
        }
        header = new CheckpointHeader(
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..])),
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..])),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[32..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]));
        return true;
    }

    public static void EncodeEntry(Span<byte> entry, PageId page, Lsn version, ReadOnlySpan<byte> image)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, page.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], version.Value);
        image.CopyTo(entry[EntryHeaderSize..]);
        int body = EntryHeaderSize + image.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(entry[body..], StorageChecksum.Compute(entry[..body]));
    }

    /// <summary>Checks an entry read back; false when its checksum fails.</summary>
    public static bool TryDecodeEntry(ReadOnlySpan<byte> entry, out PageId page, out Lsn version)
    {
        page = default;
        version = default;
        if (entry.Length < EntryHeaderSize + 8)
            return false;
        int body = entry.Length - 8;
        if (BinaryPrimitives.ReadUInt64LittleEndian(entry[body..]) != StorageChecksum.Compute(entry[..body]))
            return false;
        page = new PageId(BinaryPrimitives.ReadUInt32LittleEndian(entry));
        version = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
        return true;
    }
}
