using System.Buffers.Binary;
using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>
/// The <c>checkpoint</c> file, 64 bytes: u64 magic "BORCKP01", u32 version, u32 page count at the checkpoint,
/// u64 checkpoint LSN, u64 first log segment to replay, 16 bytes volume id, u64 0, u64 XXH64 of the bytes before it.
/// Replaced atomically (temp file, fsync, rename, fsync of the directory).
/// </summary>
internal readonly record struct Manifest(Lsn CheckpointLsn, uint PageCount, ulong ReplayFromSegment)
{
    public const string FileName = "checkpoint";
    const ulong Magic = 0x3130504B43524F42; // "BORCKP01"
    const uint Version = 1;

    public static Manifest? Read(string directory, Guid volumeId)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        byte[] data = File.ReadAllBytes(path);
        if (data.Length != SealedBlock.Size || !SealedBlock.IsValid(data, Magic, Version))
            throw new VolumeException($"The checkpoint manifest '{path}' is corrupt; the volume cannot be opened.");
        if (new Guid(data.AsSpan(32, 16)) != volumeId)
            throw new VolumeException($"The checkpoint manifest '{path}' belongs to another volume.");
        return new Manifest(
            new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(16))),
            BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12)),
            BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(24)));
    }

    public void Write(string directory, Guid volumeId)
    {
        byte[] data = new byte[SealedBlock.Size];
        SealedBlock.Begin(data, Magic, Version);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), PageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), CheckpointLsn.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(24), ReplayFromSegment);
        volumeId.TryWriteBytes(data.AsSpan(32, 16));
        SealedBlock.Seal(data);
        DurableFile.WriteAtomically(directory, FileName, data);
    }
}
