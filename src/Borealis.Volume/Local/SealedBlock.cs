using System.Buffers.Binary;

namespace Borealis.Volume.Local;

/// <summary>
/// The 64-byte checksummed block every small header of the local volume uses (the <c>volume</c> file, the
/// <c>checkpoint</c> manifest, each log segment's header): u64 magic at 0, u32 version at 8, the caller's fields
/// in bytes 12..55, and the XXH64 of bytes 0..55 at 56.
/// </summary>
internal static class SealedBlock
{
    public const int Size = 64;
    const int ChecksumOffset = 56;

    /// <summary>Clears the block and writes its magic and version; the caller fills bytes 12..55, then calls <see cref="Seal"/>.</summary>
    public static void Begin(Span<byte> block, ulong magic, uint version)
    {
        block[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(block, magic);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], version);
    }

    /// <summary>Writes the checksum over everything before it.</summary>
    public static void Seal(Span<byte> block) =>
        BinaryPrimitives.WriteUInt64LittleEndian(block[ChecksumOffset..], Checksum.Compute(block[..ChecksumOffset]));

    /// <summary>True when the block is whole, carries this magic and version, and its checksum matches.</summary>
    public static bool IsValid(ReadOnlySpan<byte> block, ulong magic, uint version) =>
        block.Length >= Size
        && BinaryPrimitives.ReadUInt64LittleEndian(block) == magic
        && BinaryPrimitives.ReadUInt64LittleEndian(block[ChecksumOffset..]) == Checksum.Compute(block[..ChecksumOffset])
        && BinaryPrimitives.ReadUInt32LittleEndian(block[8..]) == version;
}
