using System.Buffers.Binary;
using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>
/// The <c>volume</c> file, 64 bytes, written once at creation: u64 magic "BORVOL01", u32 version, u32 page size,
/// 16 bytes volume id, u64 epoch, 16 bytes 0, u64 XXH64 of the bytes before it.
/// </summary>
internal readonly record struct VolumeMetadata(int PageSize, Guid VolumeId, VolumeEpoch Epoch)
{
    public const string FileName = "volume";
    const ulong Magic = 0x31304C4F56524F42; // "BORVOL01"
    const uint Version = 1;

    public static VolumeMetadata? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        byte[] data = File.ReadAllBytes(path);
        if (data.Length != SealedBlock.Size || !SealedBlock.IsValid(data, Magic, Version))
            throw new VolumeException($"The volume metadata '{path}' is corrupt or of an unknown version; the volume cannot be opened.");
        return new VolumeMetadata(
            (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12)),
            new Guid(data.AsSpan(16, 16)),
            new VolumeEpoch(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(32))));
    }

    public void Write(string directory)
    {
        byte[] data = new byte[SealedBlock.Size];
        SealedBlock.Begin(data, Magic, Version);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)PageSize);
        VolumeId.TryWriteBytes(data.AsSpan(16, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(32), Epoch.Value);
        SealedBlock.Seal(data);
        DurableFile.WriteAtomically(directory, FileName, data);
    }
}
