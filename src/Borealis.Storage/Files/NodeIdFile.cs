using System.Buffers.Binary;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Files;

/// <summary>
/// The node-id file: u64 magic "BORSNID1", u32 format version, i32 node id, u64 XXH64 of the 16 bytes before it.
/// It guards against opening another node's data.
/// </summary>
internal static class NodeIdFile
{
    const ulong Magic = 0x3144494E53524F42; // "BORSNID1"
    const uint Version = 1;
    public const int Size = 24;

    public static byte[] Encode(NodeId id)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), id.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), StorageChecksum.Compute(bytes.AsSpan(0, 16)));
        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out NodeId id)
    {
        id = default;
        if (bytes.Length != Size
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) != Version
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]) != StorageChecksum.Compute(bytes[..16]))
        {
            return false;
        }
        id = new NodeId(BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]));
        return true;
    }
}
