using System.IO.Hashing;

namespace Borealis.Storage.Files;

/// <summary>The one checksum of a storage node's files: XXH64 with seed 0, stored little-endian.</summary>
internal static class StorageChecksum
{
    public static ulong Compute(ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data);
}
